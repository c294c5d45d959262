"""Query understanding: a "what matters to you" message → needs, place, age, constraints and clean text.

    from navigator.search.understand import understand, Understander
    q = understand("82F, widowed in spring, hard of hearing, Hythe, doesn't drive", gazetteer=g)
    q.needs  # bereavement, hearing loss, transport — each with the words that find such services

The need vocabulary (data/needs.toml) and text-speak table (data/textspeak.toml) are data files
meant to be edited by people who know the services.
"""

from navigator.search.understand.gazetteer import DirectoryGazetteer, OutcodeGazetteer
from navigator.search.understand.model import Gazetteer, Need, Place, QueryEmbedder, UnderstoodQuery
from navigator.search.understand.parse import Understander, understand
from navigator.search.understand.spelling import Speller
from navigator.search.understand.textspeak import VocabularyFileError
from navigator.search.understand.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "DirectoryGazetteer",
    "Gazetteer",
    "Need",
    "OutcodeGazetteer",
    "Place",
    "QueryEmbedder",
    "Speller",
    "Understander",
    "UnderstoodQuery",
    "Vocabulary",
    "VocabularyFileError",
    "load_vocabulary",
    "understand",
]
