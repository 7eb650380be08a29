# The calendar's models (cut-off rules, periods) are administered in periods/admin.py.
