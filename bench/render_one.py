"""Render one document of the benchmark database in a warm process; print JSON figures."""

import json
import os
import resource
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from portal.models import Document  # noqa: E402
from portal.rendering.documents import print_data_for  # noqa: E402
from portal.rendering.pdf import render_pdf  # noqa: E402

RUNS = 5


def main(document_id: int) -> None:
    document = Document.objects.select_related("issuer", "approved_revision").get(pk=document_id)
    data = print_data_for(document, document.approved_revision)
    pdf = render_pdf(data)  # warm-up: imports, fonts, caches, as in a running worker
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = render_pdf(data)
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"median_s": statistics.median(times), "min_s": min(times),
                      "peak_mb": peak_mb, "bytes": len(pdf)}))  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]))
