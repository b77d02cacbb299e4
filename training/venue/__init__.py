"""Venue mode: the platform on a trainer's laptop for one workshop, started from a session package
(``flask venue init``, ``make venue``), serving participants' phones on the local network."""
