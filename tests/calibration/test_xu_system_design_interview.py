"""Alex Xu, System Design Interview vol. 1: back-of-the-envelope estimates, reproduced.

Xu divides by 86,400 s a day and counts 365-day years (docs/calibration.md, "Xu day").
The Twitter media case is in test_published_cases.py.
"""

from __future__ import annotations

import pytest

from .test_published_cases import run


def test_url_shortener_ch8():
    """Ch. 8 "Design a URL Shortener": 100 M URLs a day, read:write 10:1, 10 years, 100 B a URL.
    Published: 1,160 writes/s, 11,600 reads/s, 365 billion records, 36.5 TB. Some public copies
    print "365 billion × 100 bytes × 10 years = 365 TB": that counts the 10 years twice (they are
    already in the 365 billion records); the correct 36.5 TB is tested here."""
    result = run("""
name: URL shortener
conventions: {year: 365 day}
traffic:
  requests: 1.1 billion request/day
  write_fraction: 0.0909090909   # 1 write per 10 reads
data:
  - {name: urls, records_per_day: 100 million record/day, record_size: 100 B, retention: 10 year}
derived:
  - {name: records, expr: storage.urls.footprint / (100 B/record), unit: record}
""")
    assert result["traffic.write_qps"].to("request/s").magnitude == pytest.approx(1160, rel=0.003)
    assert result["traffic.read_qps"].to("request/s").magnitude == pytest.approx(11_600, rel=0.003)
    assert result["derived.records"].to("record").magnitude == pytest.approx(365e9, rel=1e-9)
    assert result["storage.urls.footprint"].to("TB").magnitude == pytest.approx(36.5, rel=1e-9)


def test_youtube_storage_and_cdn_ch14():
    """Ch. 14 "Design YouTube": 5 M daily users watch 5 videos a day, 10 % upload one video of
    300 MB a day, CDN at $0.02/GB. Published: 150 TB of new storage a day, $150,000 a day of CDN.
    The $0.02/GB is the book's CloudFront figure, not the catalog's egress price, so it is fed
    as a derived result."""
    result = run("""
name: YouTube
conventions: {month: 30 day}
traffic:
  daily_active_users: 5 million user
  requests_per_user_per_day: 5 request/user/day   # one request per video watched
  response_size: 300 MB                            # the whole video is streamed
data:
  - {name: uploads, records_per_day: 500 thousand item/day, record_size: 300 MB, retention: 1 day}
derived:
  - {name: cdn_cost_per_day, expr: traffic.egress_per_month / 30 * 0.02 USD/GB, unit: USD}
""")
    assert result["storage.uploads.stored_per_day"].to("TB").magnitude == pytest.approx(150, rel=1e-9)
    assert result["derived.cdn_cost_per_day"].to("USD").magnitude == pytest.approx(150_000, rel=1e-9)
