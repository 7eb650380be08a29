"""Excel in and out of the project list: the export of a filtered list, the import template, the import.

The workbook is a Vietnamese document, so sheet names, headers and the guide are Vietnamese constants;
error messages go through gettext like every other message. The import checks the whole file first and
writes nothing unless every row is valid; it then writes through the services in one transaction.

The work is split by job: `excel_common` (sheets, columns, codes), `excel_export`, `excel_template`,
`excel_import`; this module is the door the views use.
"""

from django.core.exceptions import PermissionDenied  # noqa: F401 - callers catch excel.PermissionDenied

from projects.excel_common import (  # noqa: F401
    MAX_BYTES,
    MAX_ROWS,
    MONEY_COLUMNS,
    MONEY_SHEET,
    PROJECT_COLUMNS,
    PROJECT_SHEET,
    XLSX_TYPE,
)
from projects.excel_export import projects_to_xlsx  # noqa: F401
from projects.excel_import import (  # noqa: F401
    ImportErrors,
    import_workbook,
    project_import_run,
    project_import_start,
    runs_in_background,
)
from projects.excel_template import import_template  # noqa: F401
