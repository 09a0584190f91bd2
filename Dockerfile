# earnest: one image for every role (api, workers, ingest); the command picks the role.
#   docker build -t earnest .
#   docker run --rm earnest --help
FROM python:3.11-slim AS build
# The same uv as the Makefile, installing exactly what uv.lock pins (no dev tools).
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src ./src
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 earnest \
    && mkdir /data && chown earnest /data
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EARNEST_HOME=/data \
    EARNEST_HOST=0.0.0.0
USER earnest
WORKDIR /data
EXPOSE 8000
ENTRYPOINT ["earnest"]
CMD ["up"]
