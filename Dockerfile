# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /srv/kap-journal kapj \
    && mkdir -p /srv/kap-journal/data && chown kapj /srv/kap-journal/data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/kap-journal
COPY alembic.ini ./
COPY migrations ./migrations
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    KAPJ_DATA_DIR=/srv/kap-journal/data \
    KAPJ_DATABASE_URL=sqlite:////srv/kap-journal/data/kap-journal.db
USER kapj
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["kap-journal", "serve", "--host", "0.0.0.0", "--port", "8000"]
