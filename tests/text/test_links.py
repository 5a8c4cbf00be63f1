"""Tests for checking and normalising source links."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corrections.text.links import (
    MAX_LINK_LENGTH,
    InvalidLink,
    link_domain,
    normalize_link,
    normalize_links,
)


def test_a_plain_https_link_is_kept_as_typed() -> None:
    assert normalize_link("https://example.org/a/b?c=1&d=2") == "https://example.org/a/b?c=1&d=2"


def test_surrounding_whitespace_is_ignored() -> None:
    assert normalize_link("  \thttps://example.org/a \n") == "https://example.org/a"


def test_scheme_and_host_are_lower_cased_but_path_and_query_are_not() -> None:
    assert normalize_link("HTTPS://Example.ORG/Path?Q=X") == "https://example.org/Path?Q=X"


def test_an_empty_path_becomes_a_slash_so_both_spellings_compare_equal() -> None:
    assert normalize_link("https://example.org") == "https://example.org/"
    assert normalize_link("https://example.org?q=1") == "https://example.org/?q=1"


def test_the_fragment_is_kept_because_it_points_at_the_relevant_paragraph() -> None:
    assert normalize_link("https://example.org/a#section-2") == "https://example.org/a#section-2"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/file",
        "mailto:someone@example.org",
    ],
)
def test_schemes_other_than_http_and_https_are_refused_with_the_link_quoted(url: str) -> None:
    with pytest.raises(InvalidLink) as caught:
        normalize_link(url)
    assert str(caught.value).startswith("Only http and https links are accepted: '")
    assert url[:20] in str(caught.value)


def test_the_javascript_message_reads_as_documented() -> None:
    with pytest.raises(InvalidLink, match=r"^Only http and https links are accepted: "):
        normalize_link("javascript:alert(1)")
    assert str(InvalidLink("x")) == "x"


@pytest.mark.parametrize("url", ["//example.org/a", "\\\\example.org/a", "/\\example.org/a"])
def test_protocol_relative_links_are_refused(url: str) -> None:
    with pytest.raises(InvalidLink, match="must start with http:// or https://"):
        normalize_link(url)


@pytest.mark.parametrize("url", ["just some words", "/a/path", "?q=1", "localhost:8080", "x"])
def test_text_that_is_neither_a_url_nor_a_domain_is_refused(url: str) -> None:
    with pytest.raises(InvalidLink, match="must start with http:// or https://"):
        normalize_link(url)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("example.com/x", "https://example.com/x"),
        ("www.example.org", "https://www.example.org/"),
        ("Example.org:8443/a?b#c", "https://example.org:8443/a?b#c"),
        ("bücher.de/buch", "https://xn--bcher-kva.de/buch"),
    ],
)
def test_a_bare_domain_is_taken_to_mean_https(typed: str, expected: str) -> None:
    assert normalize_link(typed) == expected


@pytest.mark.parametrize(
    "url", ["https://", "https:///path", "http:example.org", "http:/example.org", "https://:443/"]
)
def test_links_without_a_host_are_refused(url: str) -> None:
    with pytest.raises(InvalidLink):
        normalize_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://exa mple.org/",
        "https://a..b/",
        "https://ex%41mple.org/",
        "https://example.org\\@evil.example/",
        "https://example.org\\evil.example/",
        "https://" + "a" * 64 + ".org/",
        "https://[not-an-address]/",
        "https://[fe80::1%25eth0]/",
        "https://exa<mple>.org/",
    ],
)
def test_hosts_with_characters_a_host_cannot_have_are_refused(url: str) -> None:
    with pytest.raises(InvalidLink):
        normalize_link(url)


def test_an_empty_link_is_refused_with_a_prompt() -> None:
    with pytest.raises(InvalidLink, match="^Enter a link.$"):
        normalize_link("   ")


def test_links_longer_than_2048_characters_are_refused() -> None:
    url = "https://example.org/" + "a" * (MAX_LINK_LENGTH - len("https://example.org/") + 1)
    with pytest.raises(InvalidLink, match="at most 2,048 characters"):
        normalize_link(url)


def test_a_link_of_exactly_2048_characters_is_accepted() -> None:
    url = "https://example.org/" + "a" * (MAX_LINK_LENGTH - len("https://example.org/"))
    assert normalize_link(url) == url


def test_a_link_that_grows_past_2048_characters_when_encoded_is_refused() -> None:
    url = "https://example.org/" + "a b" * 500
    with pytest.raises(InvalidLink, match="at most 2,048 characters"):
        normalize_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@example.org/",
        "https://user@example.org/",
        "https://trusted.example@evil.example/",
        "https://:secret@example.org/",
    ],
)
def test_links_with_credentials_are_refused_without_repeating_them(url: str) -> None:
    with pytest.raises(InvalidLink, match="user name or password") as caught:
        normalize_link(url)
    assert "secret" not in str(caught.value)


def test_international_domain_names_are_encoded_as_punycode() -> None:
    assert normalize_link("https://Bücher.de/ä") == "https://xn--bcher-kva.de/%C3%A4"
    assert normalize_link("https://例え.テスト/") == "https://xn--r8jz45g.xn--zckzah/"


def test_a_look_alike_cyrillic_domain_cannot_pass_for_the_latin_one() -> None:
    assert normalize_link("https://аpple.com/") != "https://apple.com/"
    assert normalize_link("https://аpple.com/").startswith("https://xn--")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:0443/a", "https://example.org/a"),
        ("https://example.org:/a", "https://example.org/a"),
        ("https://example.org:80/a", "https://example.org:80/a"),
        ("http://example.org:443/a", "http://example.org:443/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
    ],
)
def test_default_ports_are_dropped_and_other_ports_kept(url: str, expected: str) -> None:
    assert normalize_link(url) == expected


@pytest.mark.parametrize("url", ["https://example.org:0/", "https://example.org:65536/"])
def test_ports_out_of_range_are_refused(url: str) -> None:
    with pytest.raises(InvalidLink, match="port"):
        normalize_link(url)


def test_ip_addresses_are_accepted_and_ipv6_is_written_compactly() -> None:
    assert normalize_link("http://192.0.2.1:8080/x") == "http://192.0.2.1:8080/x"
    assert normalize_link("http://[2001:DB8:0:0::1]:80/") == "http://[2001:db8::1]/"


def test_spaces_and_characters_not_allowed_in_urls_are_percent_encoded() -> None:
    assert (
        normalize_link('https://example.org/a b/"q"<x>?q=a b|c#f g#h')
        == "https://example.org/a%20b/%22q%22%3Cx%3E?q=a%20b%7Cc#f%20g%23h"
    )


def test_existing_escapes_are_kept_and_stray_percent_signs_are_encoded() -> None:
    assert normalize_link("https://example.org/a%20b%2f?q=100%") == (
        "https://example.org/a%20b%2f?q=100%25"
    )


def test_backslashes_in_the_path_are_encoded_rather_than_read_as_slashes() -> None:
    assert normalize_link("https://example.org/a\\b") == "https://example.org/a%5Cb"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a\x00b",
        "https://exa\tmple.org/",
        "jav\tascript:alert(1)",
        "https://example.org/\nx",
        "https://example.org/\x7f",
        "https://example.org/\x85x",
        "https://example.org/\ud800",
    ],
)
def test_control_characters_inside_a_link_are_refused(url: str) -> None:
    with pytest.raises(InvalidLink, match="control characters"):
        normalize_link(url)


def test_invalid_link_is_a_value_error_so_generic_handlers_catch_it() -> None:
    assert issubclass(InvalidLink, ValueError)
    assert InvalidLink("x").index is None


def test_several_links_are_normalised_in_the_order_given() -> None:
    assert normalize_links(["https://b.example/", "a.example"]) == [
        "https://b.example/",
        "https://a.example/",
    ]


def test_duplicates_are_removed_after_normalisation_keeping_the_first() -> None:
    links = normalize_links(
        [
            "https://example.org/a",
            "HTTPS://EXAMPLE.ORG:443/a",
            "https://other.example/",
            " https://example.org/a ",
            "example.org/a",
        ]
    )
    assert links == ["https://example.org/a", "https://other.example/"]


def test_blank_entries_are_ignored() -> None:
    assert normalize_links(["", "  ", "https://example.org/", "\t"]) == ["https://example.org/"]


@pytest.mark.parametrize("urls", [[], ["", "   "]])
def test_no_links_at_all_is_refused(urls: list[str]) -> None:
    with pytest.raises(InvalidLink, match=r"^Add at least one source link\.$") as caught:
        normalize_links(urls)
    assert caught.value.index is None


def test_a_larger_minimum_is_spelled_out_in_the_message() -> None:
    with pytest.raises(InvalidLink, match=r"^Add at least 2 source links\.$"):
        normalize_links(["https://example.org/"], minimum=2)


def test_five_links_are_accepted() -> None:
    urls = [f"https://example.org/{n}" for n in range(5)]
    assert normalize_links(urls) == urls


def test_six_links_are_refused_pointing_at_the_sixth() -> None:
    urls = ["", *(f"https://example.org/{n}" for n in range(6))]
    with pytest.raises(InvalidLink, match=r"^At most 5 source links\.$") as caught:
        normalize_links(urls)
    assert caught.value.index == 6


def test_six_entries_of_which_two_are_the_same_link_are_accepted() -> None:
    urls = [f"https://example.org/{n}" for n in range(5)] + ["https://EXAMPLE.org/0"]
    assert len(normalize_links(urls)) == 5


def test_a_bad_entry_is_reported_with_its_position_in_the_form() -> None:
    with pytest.raises(InvalidLink, match="Only http and https") as caught:
        normalize_links(["https://example.org/", "", "javascript:alert(1)"])
    assert caught.value.index == 2


def test_link_domain_is_the_ascii_host_without_port() -> None:
    assert link_domain("https://News.Example.org:8443/a") == "news.example.org"
    assert link_domain("https://bücher.de/") == "xn--bcher-kva.de"
    assert link_domain("http://[2001:db8::1]/") == "2001:db8::1"


def test_link_domain_refuses_links_that_would_not_be_accepted() -> None:
    with pytest.raises(InvalidLink):
        link_domain("javascript:alert(1)")


_hosts = st.one_of(
    st.sampled_from(["example.org", "EXAMPLE.org", "bücher.de", "例え.テスト", "[::1]", "1.2.3.4"]),
    st.text(max_size=15),
)
_rest = st.text(
    alphabet=st.one_of(st.sampled_from(list("/?#%&=:@ \\\"<>[]{}|^`'+;,~")), st.characters()),
    max_size=30,
)
_urls = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda scheme, host, port, rest: f"{scheme}{host}{port}{rest}",
        st.sampled_from(["https://", "http://", "HTTP://", "", "//", "javascript:", " https://"]),
        _hosts,
        st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999"]),
        _rest,
    ),
)


@settings(max_examples=300, deadline=None, database=None)
@given(_urls)
def test_normalize_link_either_refuses_or_returns_its_own_normal_form(url: str) -> None:
    try:
        link = normalize_link(url)
    except InvalidLink:
        return
    assert link.startswith(("http://", "https://"))
    assert len(link) <= MAX_LINK_LENGTH
    assert link.isascii()
    assert normalize_link(link) == link


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_urls, max_size=8))
def test_normalize_links_either_refuses_or_returns_distinct_normal_forms(urls: list[str]) -> None:
    try:
        links = normalize_links(urls)
    except InvalidLink as error:
        assert error.index is None or 0 <= error.index < len(urls)
        return
    assert 1 <= len(links) <= 5
    assert len(set(links)) == len(links)
    assert all(normalize_link(link) == link for link in links)
