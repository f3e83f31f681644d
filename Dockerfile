# The shop's image for docker-compose.yml: the same code and configuration
# files as the local stack (deploy/), run by the same commands.
FROM python:3.11-slim

# openssl makes the self-signed certificate on first start (deploy/stack.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends openssl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

RUN useradd --system --no-create-home shop && mkdir -p /var/lib/shop && chown shop /var/lib/shop
USER shop
ENV DJANGO_SETTINGS_MODULE=shop.settings.production \
    STATE_DIR=/var/lib/shop \
    PYTHONUNBUFFERED=1
