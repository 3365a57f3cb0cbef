"""The cell secretary's page: this month's bulletin first, then what the cell has not taken."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from portal.kinds import KINDS, period_condition
from portal.selectors import monthly_issues, reading_with_receipts

NOT_RECEIVED_SHOWN = 20


@login_required
def reader_home(request):
    """Landing of a reader: one tap from here downloads this month's bulletin."""
    today = timezone.localdate()
    documents = reading_with_receipts(request.user)
    issues = monthly_issues(documents)
    current = issues.filter(period_condition(today.year, today.month)).first()
    issue = current or issues.first()
    not_received = documents.filter(received_at__isnull=True).order_by("-published_at", "-pk")
    if issue is not None:
        not_received = not_received.exclude(pk=issue.pk)
    context = {
        "issue": issue,
        "issue_period": KINDS[issue.kind].period_name(issue) if issue else "",
        "is_current": current is not None,
        "this_month": today,
        "not_received": not_received[:NOT_RECEIVED_SHOWN],
        "not_received_count": not_received.count(),
    }
    return render(request, "portal/reader_home.html", context)
