from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from provinces import selectors


@login_required
def province_list(request):
    """Reference data, readable by every signed-in user: the 20 provinces as they were and today's 9."""
    provinces = list(selectors.province_history())
    context = {
        "old_provinces": [p for p in provinces if not p.is_current],
        "current_provinces": [p for p in provinces if p.is_current],
    }
    return render(request, "provinces/province_list.html", context)
