"""vturb player configs: the older "v1" script format and the call-to-action button's second.

Real configs keep the buy button's time as the button's ``range.start`` — v4 in
``callActions.items[]`` (beside ``pitchTime``, shared corpus' self-hosted player script) and the
older v1 format in ``callAction[]`` with no ``pitchTime`` (a saved page's ``js/player.js`` in the
pages2 extra set).  v1 scripts name the account ``org_id`` and the video ``video_id`` (its loader
calls ``smrtvds(element, org_id, video_id, options)``).  The scripts here are written for these
tests; ids and hosts are made up.
"""

from __future__ import annotations

import pytest

from vsl_assets.media.pages.errors import PlayerConfigError
from vsl_assets.media.pages.players import vturb

_ORG = "0a1b2c3d-0000-4000-8000-00000000abcd"
_PLAYER = "6650aa00bb11cc22dd33ee44"
_VIDEO = "6640ff00ee11dd22cc33bb44"


def _v1(call_action: str) -> str:
    """A v1 player script as vturb generated them (minified JSON in a ``var``, ``!1`` for false)."""
    return (
        "function vTurbLoadSmrtvds(){window.smrtvds(`vid_${vTurbPlayer.id}`,vTurbPlayer.org_id,"
        "vTurbPlayer.video_id,vTurbPlayer.options)}"
        f'var vTurbOriginalPlayer={{"id":"{_PLAYER}","org_id":"{_ORG}","name":"vsl_final",'
        f'"version":"v1","video_id":"{_VIDEO}","options":{{"autoplay":"smartplay","subtitle_active":!1,'
        f'"video":{{"width":1280,"height":720}},"cdn":"cdn.vturb-exemplo.test","callAction":{call_action},'
        '"pixels":[]}},vTurbSrcId="' + _PLAYER + '",vTurbPlayer=vTurbOriginalPlayer;'
    )


_BUTTON = '{"id":"ca_1","type":"below_button","btnText":"QUERO ENTRAR","range":{"start":742,"finish":1100}}'


def test_a_v1_script_saved_beside_the_page_names_its_account_and_video() -> None:
    config = vturb.parse_player_config(_v1(f"[{_BUTTON}]"), "https://loja.exemplo.test/vsl/js/player.js")
    assert config.stream_url == f"https://cdn.vturb-exemplo.test/{_ORG}/{_VIDEO}/main.m3u8"
    assert (config.cta_seconds, config.cta_source) == (742.0, "vturb config callAction range")


def test_a_v1_script_without_buttons_has_no_offer_second() -> None:
    config = vturb.parse_player_config(_v1("[]"), "https://loja.exemplo.test/vsl/js/player.js")
    assert config.stream_url.endswith(f"/{_VIDEO}/main.m3u8")
    assert config.cta_seconds is None


def test_a_v1_script_without_org_id_or_account_in_its_url_still_says_what_is_missing() -> None:
    script = _v1(f"[{_BUTTON}]").replace('"org_id"', '"organisation"')
    with pytest.raises(PlayerConfigError, match="no account id"):
        vturb.parse_player_config(script, "https://loja.exemplo.test/vsl/js/player.js")


def _v4(call_actions: str, pitch: str = "") -> str:
    return (
        '{"callActions": {' + call_actions + "}, "
        f'"cdn": "cdn.vturb-exemplo.test", "oid": "{_ORG}",{pitch} "video": {{"id": "{_VIDEO}", "duration": 1800}}}}'
    )


@pytest.mark.parametrize(
    ("call_actions", "pitch", "expected"),
    [
        # the first button switched off: the next one is the offer
        (
            '"active": !0, "items": [{"active": !1, "range": {"start": 120, "finish": 130}},'
            ' {"active": !0, "content": "Comprar", "range": {"start": 1310, "finish": 1800}}]',
            "",
            (1310.0, "vturb config callAction range"),
        ),
        # the whole call-to-action block switched off
        ('"active": !1, "items": [{"active": !0, "range": {"start": 900, "finish": 990}}]', "", (None, None)),
        # pitchTime, when the config has it, stays first
        ('"active": !0, "items": [{"active": !0, "range": {"start": 400}}]', ' "pitchTime": 335,', (335.0, None)),
    ],
)
def test_v4_call_to_action_buttons(call_actions: str, pitch: str, expected: tuple[float | None, str | None]) -> None:
    config = vturb.parse_player_config(
        _v4(call_actions, pitch), "https://scripts.exemplo.test/x/players/y/v4/player.js"
    )
    seconds, source = expected
    assert config.cta_seconds == seconds
    if source is not None:
        assert config.cta_source == source
    elif seconds is not None:
        assert config.cta_source == "vturb config pitchTime"
