"""The portal's settings with the bench's urlconf: the pages as they are, plus the surge's
floor (a one-row insert behind the same middleware). Used only by `make bench`."""

from par_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
