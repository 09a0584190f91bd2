"""Which subreddits teach "serious" and which teach "banter".

The model has no hand-labelled posts; a post takes the label of the subreddit it
was posted to. That is noisy (a top post of r/math can be a joke), so the sets
keep to subreddits whose rules or whole purpose fix the tone:

- ``SERIOUS``: strictly moderated question and discussion subreddits
  (askscience, AskHistorians, NeutralPolitics, legaladvice, ...) and subject
  subreddits for scholarly fields (Economics, linguistics, medicine, ...),
  plus earnest counterparts of parody subreddits (FanTheories, programming).
- ``BANTER``: joke, meme and parody subreddits. The parodies are chosen on
  purpose: shittyaskscience mirrors askscience, askashittydoctor mirrors
  medicine, shittyprogramming mirrors programming and so on, so each pair
  shares its topic and differs only in tone, which pushes the model to learn
  tone rather than topic.

Everything else (AskReddit, pics, WTF, tifu, changemyview, TrueReddit, ...) is
mixed or unclear and stays unlabelled. That includes todayilearned and
LifeProTips: earnest in intent, but their top posts are casual and often
jokes, so as "serious" examples they mostly add noise. Unlabelled subreddits
are not used in training; they are handy for eyeballing the model on
subreddits it has never seen.

Names are spelled exactly as in the dataset; ``label_for`` ignores case
because Reddit does.
"""

from __future__ import annotations

SERIOUS: frozenset[str] = frozenset(
    {
        "AcademicPhilosophy",
        "AskHistorians",
        "AskSocialScience",
        "DepthHub",
        "Economics",
        "FanTheories",
        "Foodforthought",
        "NeutralPolitics",
        "Physics",
        "TrueAskReddit",
        "askphilosophy",
        "askscience",
        "cscareerquestions",
        "explainlikeimfive",
        "geopolitics",
        "history",
        "law",
        "legaladvice",
        "linguistics",
        "math",
        "medicine",
        "personalfinance",
        "programming",
        "psychology",
        "science",
        "statistics",
    }
)

BANTER: frozenset[str] = frozenset(
    {
        "3amjokes",
        "AdviceAnimals",
        "AntiJokes",
        "Demotivational",
        "Jokes",
        "MURICA",
        "PoliticalHumor",
        "ProgrammerHumor",
        "Punny",
        "ShittyFanTheories",
        "ShittyLifeProTips",
        "ShittyPoetry",
        "ShittyTodayILearned",
        "askashittydoctor",
        "circlejerk",
        "explainlikeIAmA",
        "fffffffuuuuuuuuuuuu",
        "firstworldanarchists",
        "funny",
        "humor",
        "memes",
        "montageparodies",
        "puns",
        "shittyadvice",
        "shittyama",
        "shittyaskreddit",
        "shittyaskscience",
        "shittyprogramming",
        "shittyreactiongifs",
        "wheredidthesodago",
    }
)

SERIOUS_LABEL = 1
BANTER_LABEL = 0

_BY_NAME: dict[str, tuple[str, int]] = {
    **{name.lower(): (name, SERIOUS_LABEL) for name in SERIOUS},
    **{name.lower(): (name, BANTER_LABEL) for name in BANTER},
}


def _key(subreddit: str) -> str:
    return subreddit.strip().lower().removeprefix("/").removeprefix("r/")


def label_for(subreddit: str) -> int | None:
    """Return 1 for a serious subreddit, 0 for a banter one, None if unlabelled.

    The match ignores case and a leading ``r/`` or ``/r/``.
    """
    found = _BY_NAME.get(_key(subreddit))
    return None if found is None else found[1]


def labelled_name(subreddit: str) -> str | None:
    """The spelling in ``SERIOUS`` or ``BANTER`` of a labelled subreddit, else None."""
    found = _BY_NAME.get(_key(subreddit))
    return None if found is None else found[0]
