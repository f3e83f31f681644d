from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    # The id in these URLs names a session in the user's list; it is never
    # the session key.
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/current/", views.current_session, name="current_session"),
    path("sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("sessions/<str:public_id>/end/", views.end_session, name="end_session"),
    path("email/change/", views.EmailChangeView.as_view(), name="email_change"),
    path("address/", views.SavedAddressView.as_view(), name="saved_address"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
