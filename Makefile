# The portal's two everyday commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The portal runs in production mode unless DEBUG=1; these commands are for development.
export DEBUG ?= 1

.PHONY: run test lint system-check migrate demo bench

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Cần Python 3.11 trở lên (Python 3.11+ is required)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

system-check: $(STAMP)
	@$(PY) -c 'import weasyprint' 2>/dev/null || { \
	  echo "Thiếu thư viện hệ thống cho WeasyPrint (missing system libraries):"; \
	  echo "  apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; }

migrate: system-check
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The background worker renders approved documents (and queues again what a stopped worker
# left running); it stops with the server.
run: demo
	@$(PY) manage.py render_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: system-check lint
	@command -v pdftotext >/dev/null || { echo "Thiếu poppler-utils (apt-get install poppler-utils)."; exit 1; }
	@test -x /usr/bin/chromium || { echo "Thiếu chromium cho kiểm thử trình duyệt (apt-get install chromium)."; exit 1; }
	@command -v soffice >/dev/null || { echo "Thiếu LibreOffice cho kiểm thử bản Word (apt-get install libreoffice-writer-nogui)."; exit 1; }
	$(VENV)/bin/pytest

# Speed and memory figures (not part of the tests): needs wrk, and LibreOffice for the baseline.
bench: system-check
	@command -v wrk >/dev/null || { echo "Thiếu wrk (apt-get install wrk)."; exit 1; }
	$(PY) bench/run.py

# The scale part alone (BENCH_PARTS=scale): archives S, M and L on PostgreSQL, built once.
.PHONY: bench-scale
bench-scale: system-check
	$(PY) bench/scale.py
