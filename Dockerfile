# One image for the web server, the Celery worker and the Celery beat (docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=ics_registry.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --system --create-home --home-dir /home/registry registry

COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .

COPY . .
# Static files are collected at build time; settings need a database URL to import, not a database.
RUN DATABASE_URL=postgres://build@localhost/build DJANGO_SECRET_KEY=build-only-$(head -c 40 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /var/lib/registry && chown registry /var/lib/registry

USER registry
EXPOSE 8000
CMD ["gunicorn", "ics_registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket", "--access-logfile", "-"]
