from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healtheos.settings")

application = get_wsgi_application()

# Every serving process (each gunicorn worker, ``healtheos serve`` or not) sweeps for work a
# restart interrupted: once now, then every HEALTHEOS_RECOVERY_INTERVAL_SECONDS. With the rq
# backend the queue workers sweep instead (``healtheos worker``) and this does nothing.
from healtheos.core.recovery import start_sweeper  # noqa: E402 (needs the apps loaded)

start_sweeper()
