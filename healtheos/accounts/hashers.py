"""argon2id at (at least) OWASP's minimum cost, configurable upward in settings.

Django's own Argon2 hasher uses 100 MiB and 8 lanes; OWASP's minimum (m=19 MiB, t=2, p=1)
is strong against offline guessing and lets two cores verify several passwords a second
more, which is what a Monday-morning sign-in burst needs. Deployments can raise the cost
with HEALTHEOS_ARGON2_MEMORY_KIB and HEALTHEOS_ARGON2_TIME_COST; stored hashes carry their
parameters and are upgraded on the next sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class HealtheosArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"

    def __init__(self) -> None:
        self.memory_cost = int(settings.ARGON2_MEMORY_KIB)
        self.time_cost = int(settings.ARGON2_TIME_COST)
        self.parallelism = int(settings.ARGON2_PARALLELISM)
