"""The texts new posts are made of: taken from any Reddit submissions, or a built-in few.

A corpus is any iterable of submission ``data`` objects (a dump, a recorded listing);
only their subreddit, title, selftext, url and over_18 are reused, so the fake posts
read like real ones while their ids and times are the fake's own. A post in a subreddit
the corpus has takes a text of that subreddit (so a serious subreddit stays serious),
any other a text of any. Without a corpus, the sample bundled with earnest is one;
without that, a few built-in texts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    title: str
    selftext: str = ""
    url: str = ""  # empty: a self post, whose url is its own permalink
    over_18: bool = False
    subreddit: str = ""  # where the text was posted, lower case; empty: anywhere


PLACEHOLDERS = ("[removed]", "[deleted]")

BUILT_IN = (
    Text("Researchers publish a ten-year study on sleep and memory in older adults",
         url="https://www.example.org/sleep-memory-study"),
    Text("What is a skill you learned late in life that you wish you had learned earlier?"),
    Text("My cat has decided the printer is her throne now", url="https://i.example.com/cat.jpg"),
    Text("Central bank holds interest rates steady for a third month",
         url="https://news.example.com/rates"),
    Text("How do you explain your job to your grandparents?",
         "Mine still thinks I fix computers. I write compilers."),
    Text("TIL octopuses have three hearts and blue blood",
         url="https://en.wikipedia.org/wiki/Octopus"),
    Text("Serious question: how did you pay off your student loans?",
         "Looking for honest experiences, not get-rich-quick advice."),
    Text("When the meeting could have been an email but it was actually a fire drill"),
    Text("New telescope images show a galaxy forming 13 billion years ago",
         url="https://science.example.org/galaxy"),
    Text("What book changed the way you think about the world?"),
    Text("I tried to make bread from scratch. The bread won.",
         url="https://i.example.com/bread.png"),
    Text("Parliament passes a law on data privacy after two years of debate",
         url="https://news.example.com/privacy-law"),
    Text("Doctors of Reddit, what symptom should people never ignore?"),
    Text("Study finds no link between the placebo and the thing it was placebo for",
         "It was a joke study. Or was it?"),
    Text("Flood warnings issued for three regions as rivers keep rising",
         url="https://news.example.com/floods"),
    Text("What's the most useless talent you have?"),
)


def texts(corpus: Iterable[Mapping[str, Any]] | None) -> list[Text]:
    """The usable texts of ``corpus``: the sample's when it is None, built-in ones when
    it has none."""
    if corpus is None:
        return _sample_texts()
    return [text for data in corpus if (text := _text(data))] or list(BUILT_IN)


@functools.cache
def _sample_texts() -> list[Text]:
    """The bundled sample's texts, read once per process."""
    try:
        from earnest.sources.sample import submissions

        return [text for data in submissions() if (text := _text(data))] or list(BUILT_IN)
    except (ImportError, OSError):  # a build without the sample file
        return list(BUILT_IN)


def _text(data: Mapping[str, Any]) -> Text | None:
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    selftext = data.get("selftext")
    if selftext in PLACEHOLDERS:  # a removal is the fake's to decide, not the corpus's
        selftext = ""
    url = data.get("url")
    is_self = bool(data.get("is_self")) or not isinstance(url, str) or "/comments/" in url
    subreddit = data.get("subreddit")
    return Text(title=title,
                selftext=selftext if isinstance(selftext, str) else "",
                url="" if is_self else str(url),
                over_18=bool(data.get("over_18")),
                subreddit=subreddit.lower() if isinstance(subreddit, str) else "")
