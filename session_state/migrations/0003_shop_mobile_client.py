"""The demo's own app, shop-mobile: a first-party public client (session_state.OAuthClient)."""

from django.db import migrations

SHOP_MOBILE = {
    "client_id": "shop-mobile",
    "name": "Hearth & Home app",
    # RFC 8252 §7.1: a private-use scheme in reverse-domain form; §7.3: the
    # loopback interface, any port.
    "redirect_uris": "com.example.shop:/oauth2redirect\nhttp://127.0.0.1/callback",
    "first_party": True,
    "grant_types": ["authorization_code", "refresh_token", "password"],
}


def add_shop_mobile(apps, schema_editor):
    client = apps.get_model("session_state", "OAuthClient")
    client.objects.get_or_create(client_id=SHOP_MOBILE["client_id"], defaults=SHOP_MOBILE)


def remove_shop_mobile(apps, schema_editor):
    apps.get_model("session_state", "OAuthClient").objects.filter(client_id=SHOP_MOBILE["client_id"]).delete()


class Migration(migrations.Migration):
    dependencies = (("session_state", "0002_oauth_client"),)

    operations = (migrations.RunPython(add_shop_mobile, remove_shop_mobile),)
