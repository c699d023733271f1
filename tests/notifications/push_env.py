"""Fixtures for push tests: keys made here, fake services, and settings pointing at them."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from prometheus_client import CollectorRegistry

from app.core.config import Settings
from app.notifications.push import PushRouter
from app.notifications.sending import build_sender
from tests.conftest import Clock
from tests.notifications.fake_fcm import FakeFcm
from tests.notifications.push_fakes import FakeApns, Served

KEY_ID, TEAM_ID, TOPIC = "ABC123DEFG", "TEAM123456", "org.example.kapjournal"
PROJECT, CLIENT_EMAIL = "kapj-test", "push@kapj-test.iam.gserviceaccount.com"


@dataclass(frozen=True)
class Keys:
    apns: ec.EllipticCurvePrivateKey
    fcm: rsa.RSAPrivateKey


@pytest.fixture(scope="session")
def push_keys() -> Keys:
    return Keys(
        apns=ec.generate_private_key(ec.SECP256R1()),
        fcm=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


def pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_apns_key(path: Path, key: ec.EllipticCurvePrivateKey) -> Path:
    path.write_bytes(pem(key))  # what Apple's AuthKey_<key id>.p8 holds
    return path


def write_service_account(path: Path, key: rsa.RSAPrivateKey, token_uri: str) -> Path:
    info = {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "0123456789abcdef",
        "private_key": pem(key).decode(),
        "client_email": CLIENT_EMAIL,
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info))
    return path


@dataclass
class Push:
    apns: FakeApns
    fcm: FakeFcm
    settings: Settings
    clock: Clock
    registry: CollectorRegistry

    def sender(self) -> PushRouter:
        built = build_sender(self.settings, registry=self.registry, clock=lambda: self.clock.now)
        assert isinstance(built, PushRouter)
        return built


@pytest.fixture
def push(settings: Settings, clock: Clock, push_keys: Keys, tmp_path: Path) -> Iterator[Push]:
    now = lambda: clock.now  # noqa: E731
    apns = FakeApns(push_keys.apns.public_key(), KEY_ID, TEAM_ID, TOPIC, now)
    fcm = FakeFcm(push_keys.fcm.public_key(), CLIENT_EMAIL, PROJECT, now)
    apns_server, fcm_server = Served(apns.app()), Served(fcm.app())
    fcm.token_uri = f"{fcm_server.url}/token"
    configured = settings.model_copy(
        update={
            "apns_key_file": write_apns_key(tmp_path / "AuthKey.p8", push_keys.apns),
            "apns_key_id": KEY_ID,
            "apns_team_id": TEAM_ID,
            "apns_topic": TOPIC,
            "apns_endpoint": apns_server.url,
            "fcm_credentials_file": write_service_account(
                tmp_path / "service-account.json", push_keys.fcm, fcm.token_uri
            ),
            "fcm_endpoint": fcm_server.url,
        }
    )
    yield Push(apns, fcm, configured, clock, CollectorRegistry())
    apns_server.close()
    fcm_server.close()
