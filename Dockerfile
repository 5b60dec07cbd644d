# syntax=docker/dockerfile:1
# supportgraph's production image: the API, the web screens and the trained NLU models.
#   docker build -t supportgraph .
# The intent model is trained while the image is built, so a container starts without training.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- The web screens: the widget, the agent console and the admin screens (web/dist).
FROM ${NODE_IMAGE} AS web
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_update_notifier=false
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# --- The locked dependencies, the package, and the models trained against a throw-away store.
FROM ${PYTHON_IMAGE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONSAFEPATH=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    UV_NO_CACHE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.8 && python -m venv /opt/venv
# torch comes from PyTorch's CPU index, as `make install` takes it without a local wheel folder.
COPY requirements.lock /tmp/requirements.lock
RUN uv pip sync --python /opt/venv/bin/python \
      --extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match \
      /tmp/requirements.lock
# The repository root is the `supportgraph` package; it is installed from its folder, as
# `make install` does, so every subpackage and the shipped data are read from /app.
WORKDIR /app
COPY . .
COPY --from=web /src/web/dist web/dist
RUN uv pip install --python /opt/venv/bin/python --no-deps -e .
# `supportgraph build` migrates and seeds a store, trains the intent model and indexes the
# knowledge base. Only the models are kept: the store and the index are made at start-up in the
# deployment's own Postgres and Chroma.
RUN SUPPORTGRAPH_DATA_DIR=/tmp/build-data SUPPORTGRAPH_MODELS_DIR=/opt/supportgraph/models \
      /opt/venv/bin/supportgraph build \
    && rm -rf /tmp/build-data

# --- The runtime image: no compilers, no Node, a non-root user.
FROM ${PYTHON_IMAGE} AS runtime
ARG UID=10001
RUN groupadd --system --gid ${UID} supportgraph \
    && useradd --system --uid ${UID} --gid ${UID} --home-dir /home/supportgraph --create-home \
       --shell /usr/sbin/nologin supportgraph \
    && mkdir -p /var/lib/supportgraph \
    && chown supportgraph:supportgraph /var/lib/supportgraph
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY --from=build /opt/supportgraph/models /opt/supportgraph/models
# The working directory is not the package folder, and PYTHONSAFEPATH keeps it off sys.path
# anyway: the package's `guardrails/` folder must never shadow the guardrails-ai library.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONSAFEPATH=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    SUPPORTGRAPH_DATA_DIR=/var/lib/supportgraph \
    SUPPORTGRAPH_MODELS_DIR=/opt/supportgraph/models \
    SUPPORTGRAPH_DEV_AUTH=0
WORKDIR /var/lib/supportgraph
USER supportgraph
EXPOSE 8000
# /health answers 200 once the agent is built, 503 while it starts; the first start on an empty
# database seeds the store and indexes the knowledge base, hence the long start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health\", timeout=4)"]
CMD ["supportgraph", "serve"]
