"""A generated post as Reddit's API writes it: the ``data`` object of a ``t3`` child.

The field set is the one Reddit sent in 2026 (recorded listings), with the values a
plain new post has; a removed post has ``removed_by_category`` set and, when it is a
self post, ``[removed]`` for its text, as Reddit shows it to other users.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from earnest.fake_reddit.corpus import Text

REDDIT = "https://www.reddit.com"


@dataclass(slots=True)
class Generated:
    """One post the fake made: what it needs to be written out at any later time."""

    number: int  # the id as a number; ids grow with time, as Reddit's do
    subreddit: str
    created_utc: float
    text: Text
    removed_at: float | None = None
    removed_by: str = "moderator"

    @property
    def id(self) -> str:
        return base36(self.number)

    @property
    def fullname(self) -> str:
        return "t3_" + self.id

    def removed(self, now: float) -> bool:
        return self.removed_at is not None and now >= self.removed_at


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
        if not number:
            return out


def submission(post: Generated, now: float) -> dict[str, Any]:
    """``post`` as a listing shows it at ``now``: counts grow with its age."""
    text, sub, post_id = post.text, post.subreddit, post.id
    removed = post.removed(now)
    permalink = f"/r/{sub}/comments/{post_id}/{_slug(text.title)}/"
    is_self = not text.url
    url = REDDIT + permalink if is_self else text.url
    age_minutes = max(0, int(now - post.created_utc) // 60)
    score = 1 + age_minutes * (post.number % 4)
    author = f"user_{base36(zlib.crc32(post_id.encode()))}"
    link = {} if is_self else {"url_overridden_by_dest": url, "post_hint": "link"}
    return {
        **_STATIC,
        **link,
        "subreddit": sub,
        "selftext": "[removed]" if removed and is_self else text.selftext,
        "author_fullname": "t2_" + base36(zlib.crc32(author.encode())),
        "title": text.title,
        "subreddit_name_prefixed": f"r/{sub}",
        "name": post.fullname,
        "ups": score,
        "score": score,
        "upvote_ratio": 1.0,
        "thumbnail": "self" if is_self else "default",
        "is_self": is_self,
        "created": post.created_utc,
        "removed_by_category": post.removed_by if removed else None,
        "domain": f"self.{sub}" if is_self else (urlsplit(url).hostname or ""),
        "selftext_html": None,
        "over_18": text.over_18,
        "is_robot_indexable": not removed,
        "subreddit_id": "t5_" + base36(zlib.crc32(sub.lower().encode())),
        "id": post_id,
        "author": "[deleted]" if removed and post.removed_by == "deleted" else author,
        "num_comments": age_minutes // 2,
        "permalink": permalink,
        "url": url,
        "created_utc": post.created_utc,
    }


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug, length = [], 0
    for word in words:
        if length + len(word) > 50:
            break
        slug.append(word)
        length += len(word) + 1
    return "_".join(slug) or "post"


# The fields every new post has with the same value.
_STATIC: dict[str, Any] = {
    "approved_at_utc": None, "saved": False, "mod_reason_title": None, "gilded": 0,
    "clicked": False, "link_flair_richtext": [], "hidden": False, "pwls": 6,
    "link_flair_css_class": None, "downs": 0, "thumbnail_height": None,
    "top_awarded_type": None, "hide_score": True, "quarantine": False,
    "link_flair_text_color": "dark", "author_flair_background_color": None,
    "subreddit_type": "public", "total_awards_received": 0, "media_embed": {},
    "thumbnail_width": None, "author_flair_template_id": None, "is_original_content": False,
    "user_reports": [], "secure_media": None, "is_reddit_media_domain": False,
    "is_meta": False, "category": None, "secure_media_embed": {}, "link_flair_text": None,
    "can_mod_post": False, "approved_by": None, "is_created_from_ads_ui": False,
    "author_premium": False, "edited": False, "author_flair_css_class": None,
    "author_flair_richtext": [], "gildings": {}, "content_categories": None,
    "mod_note": None, "link_flair_type": "text", "wls": 6, "banned_by": None,
    "author_flair_type": "text", "allow_live_comments": False, "likes": None,
    "suggested_sort": None, "banned_at_utc": None, "view_count": None, "archived": False,
    "no_follow": True, "is_crosspostable": True, "pinned": False, "all_awardings": [],
    "awarders": [], "media_only": False, "can_gild": False, "spoiler": False,
    "locked": False, "author_flair_text": None, "treatment_tags": [], "visited": False,
    "removed_by": None, "num_reports": None, "distinguished": None,
    "author_is_blocked": False, "mod_reason_by": None, "removal_reason": None,
    "link_flair_background_color": "", "report_reasons": None, "discussion_type": None,
    "send_replies": True, "contest_mode": False, "mod_reports": [],
    "author_patreon_flair": False, "stickied": False, "author_flair_text_color": None,
    "subreddit_subscribers": 0, "num_crossposts": 0, "media": None, "is_video": False,
}
