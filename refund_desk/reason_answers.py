"""The answer to the reason question, beyond the listed reasons: "no particular reason" is a reason.

A customer who ends a service or asks for the money back "for no particular reason" gives the
reason the policies name "without any specific reason" (WebPro's clause 3), which the facts call
`no_longer_needed`. The trained reason reader (refund_desk/readers.py) places the listed reasons;
this module only tells an answer that says there is none from words that fit no listed reason.
Free of Rasa.
"""
from __future__ import annotations

from typing import Optional

from refund_desk.readers import negation_marked, normalise, says_dont_have

# The reason the facts give a request made without any specific reason.
WITHOUT_A_REASON = "no_longer_needed"
# Words that name a reason. Covered by a negation ("no particular reason", "no complaints",
# "nothing specific", "I'd rather not say") they say that there is none.
REASON_WORDS = frozenset({
    "reason", "reasons", "particular", "specific", "special", "complaint", "complaints",
    "problem", "problems", "issue", "issues", "say",
})
_COVERED = "not_"  # readers.negation_marked's mark on a word a negation covers


def states_no_reason(text: Optional[str]) -> bool:
    """Whether an answer to the reason question says there is no particular reason."""
    words = negation_marked(normalise(text))
    names_none = any(w.startswith(_COVERED) and w[len(_COVERED):] in REASON_WORDS for w in words)
    return names_none and says_dont_have(text)


def answered_reason(text: Optional[str], read: Optional[str]) -> Optional[str]:
    """The reason an answer to the reason question gives: the reader's listed reason (`read`), else
    WITHOUT_A_REASON when it says there is none, else what the reader made of it ("other" or None)."""
    if read not in (None, "other"):
        return read
    return WITHOUT_A_REASON if states_no_reason(text) else read
