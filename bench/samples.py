"""Render the demo documents and write PNGs of their first pages to docs/samples/ (README)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "samples"


def _page_png(pdf: str, page: int, name: str) -> None:
    command = ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*command, pdf, str(OUT / name)], check=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-samples-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "PRIVATE_ROOT": f"{tmp}/private",
        }

        def run(*args: str) -> None:
            command = [sys.executable, "manage.py", *args]
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)

        run("migrate", "--noinput")
        run("load_demo")
        run("db_worker", "--batch", "--no-startup-delay", "--no-reload")
        code = (
            "import django;django.setup();from portal.models import RenderedFile as F\n"
            "for f in F.objects.filter(format='pdf').order_by('revision__document_id'):\n"
            " print(f.revision.document.kind, f.file.path)"
        )
        listing = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, text=True,
                                 env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
                                 capture_output=True).stdout.split("\n")  # fmt: skip
        seen = set()
        for line in filter(None, listing):
            kind, path = line.split(" ", 1)
            if kind in seen:
                continue
            seen.add(kind)
            _page_png(path, 1, f"{kind}-page1")
            if kind == "report":
                pages = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
                last = int(next(x for x in pages.splitlines() if x.startswith("Pages")).split()[1])
                _page_png(path, last, "report-appendix")
    print(f"wrote {sorted(p.name for p in OUT.glob('*.png'))}")


if __name__ == "__main__":
    main()
