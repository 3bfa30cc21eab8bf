# Banana Split web app. History (SQLite + images) lives on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PLAYGROUND_DATA_DIR=/data

RUN useradd --create-home --uid 10001 banana \
    && mkdir -p /data /app \
    && chown banana:banana /data

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=banana:banana . .

USER banana
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() == b'ok' else 1)"

# Inside a container the app must listen beyond loopback; publish the port deliberately.
CMD ["streamlit", "run", "streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501"]
