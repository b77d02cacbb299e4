"""Request limits kept in the database, so that every worker and every host of the site counts together."""
