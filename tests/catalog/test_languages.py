from __future__ import annotations

import pytest

from catalog import languages, records


class TestLanguageNames:
    @pytest.mark.parametrize(("code", "name"), [
        ("kor-Hang", "Korean"),
        ("eng-Latn", "English"),
        ("en", "English"),  # two letters, as a curator may write it
        # ISO's qualifiers dropped.
        ("swa-Latn", "Swahili"),
        ("ell-Grek", "Modern Greek"),
        # Retired from ISO 639-3, still in records.
        ("ajp-Arab", "South Levantine Arabic"),
        ("python-Code", "Python code"),
        ("c++-Code", "C++ code"),
        ("code", "programming code"),
        ("zxx-Zxxx", None),  # no linguistic content
        ("qqq-Latn", "qqq-Latn"),  # unknown: the code itself
        ("", ""),
    ])
    def test_a_code_is_named(self, code, name):
        assert languages.name(code) == name

    def test_each_language_is_named_once_in_order(self):
        codes = ["zho-Hans", "eng-Latn", "zho-Hant", "zxx-Zxxx", "kor-Hang"]
        assert languages.names(codes) == ["Chinese", "English", "Korean"]


    def test_search_finds_the_widely_known_languages_and_programming_ones_by_name(self):
        codes = ["swh-Latn", "swa-Latn", "arb-Arab", "bcq-Ethi", "evn-Cyrl", "rust-Code",
                 "code", "zxx-Zxxx", "cmn-Hans", "qqq-Latn"]
        # Swahili once (its individual language and its macrolanguage); Standard Arabic and
        # Mandarin Chinese after the languages they are varieties of; not Bench, Even, the
        # unknown code nor programming code in general.
        assert languages.searched_names(codes) == [
            "Swahili", "Standard Arabic", "Rust code", "Mandarin Chinese"]
        assert {"swahili", "arabic", "welsh", "greek"} <= languages.known_words()
        assert not {"bench", "even", "code", "modern", "standard"} & languages.known_words()

    @pytest.mark.parametrize(("name", "words"), [
        ("Swahili", "Swahili"), ("Norwegian Bokmål", "Norwegian Bokmål"),
        # A variety by its language; no word telling where or when.
        ("Standard Arabic", "Arabic"), ("Low German", "German"), ("Modern Greek", "Greek"),
        ("North Ndebele", "Ndebele"),
        ("Rust code", "Rust"),
    ])
    def test_search_finds_a_language_by_the_words_naming_which(self, name, words):
        assert languages.searched_words(name) == words


class TestLanguagesCapability:
    def text(self, codes):
        found = [c for c in records.capabilities(
            {"languages": codes, "type": "dataset", "id_scheme": "hf-dataset"}, {})
                 if c.key == "languages"]
        return found[0].description if found else None

    def test_it_names_the_languages(self):
        assert self.text(["eng-Latn"]) == "Covers 1 language: English."
        assert self.text(["zho-Hans", "zho-Hant", "eng-Latn"]) == (
            "Covers 2 languages: Chinese and English.")
        many = [f"{c}-Latn" for c in
                ("eng", "fra", "deu", "spa", "ita", "por", "nld", "pol", "ces", "kor")]
        assert self.text(many) == (
            "Covers 10 languages: English, French, German, Spanish, Italian, Portuguese, "
            "Dutch, Polish and 2 more.")

    def test_no_linguistic_content_is_said_so(self):
        assert self.text(["zxx-Zxxx"]) == "Its source marks it as holding no linguistic content."
        assert self.text([]) is None
