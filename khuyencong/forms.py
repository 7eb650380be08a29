"""What every app's views do with a form and a service: the one way a service's refusal lands on the form."""

from django.core.exceptions import ValidationError


def posted(request):
    """The form's data: the POST on a submission, None on a first display (so the form is unbound)."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has that field, else
    at the top of the form, so no message of the service is lost."""
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)
