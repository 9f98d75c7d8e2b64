"""Reading ``/metrics`` in tests: the exposition parsed as Prometheus would parse it."""

from prometheus_client.parser import text_string_to_metric_families

#: A bearer token as scratchpad.metrics_token wants it (32 characters or more).
TOKEN = "metrics-token-for-the-tests-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def samples(exposition):
    """{(sample name, frozenset of its labels): value} for every sample of the text."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(exposition, name, **labels):
    """The sample ``name`` with exactly ``labels`` (0 when there is none yet)."""
    return samples(exposition).get((name, frozenset(labels.items())), 0.0)


class Scraper:
    """Reads one app's ``/metrics`` with the token, and tells how the samples moved."""

    def __init__(self, browser):
        self.browser = browser
        self.last = self.scrape()

    def scrape(self):
        return self.browser.get("/metrics", headers=BEARER, status=200).text

    def moved(self):
        """Scrape again: a function telling how much a sample, ``(name, **labels)``, changed
        since the scrape before (the first one, made with the Scraper, the first time)."""
        before, after = self.last, self.scrape()
        self.last = after
        return lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)
