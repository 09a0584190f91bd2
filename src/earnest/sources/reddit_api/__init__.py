"""Reddit's API as a live source: ``auth`` tokens, ``budget`` the announced rate limit,
``client`` HTTP with retries, ``poller`` scheduling, marks and gaps, ``source`` the plugin."""
