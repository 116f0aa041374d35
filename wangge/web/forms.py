"""The staff login form: Django's authentication plus the lockout rule."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wangge.accounts.lockout import is_locked, record_attempt


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("登录失败次数过多，账号已临时锁定，请稍后再试。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and is_locked(username):
            record_attempt(username, address, succeeded=False)
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_attempt(username, address, succeeded=False)
            raise
        record_attempt(username, address, succeeded=True)
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The Django admin's login, under the same lockout."""

    error_messages = {**AdminAuthenticationForm.error_messages, **LoginForm.error_messages}
