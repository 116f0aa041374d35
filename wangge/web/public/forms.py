"""The public report and rating forms: shape checks only; the rules are report_event's."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.events.choices import Rating
from wangge.events.services import MAX_TEXT


class PublicReportForm(forms.Form):
    category = forms.IntegerField(label=_("问题类别"), min_value=1)
    text = forms.CharField(label=_("问题描述"), max_length=MAX_TEXT, widget=forms.Textarea)
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    address = forms.CharField(label=_("地点说明"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    is_anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    grid = forms.CharField(max_length=20, required=False)
    # One key per rendered form: a double submit or a resend returns the first report.
    key = forms.UUIDField()

    def clean(self):
        data = super().clean()
        if data.get("is_anonymous"):
            data["reporter_name"] = data["reporter_phone"] = ""
        return data

    @staticmethod
    def new_key() -> str:
        return str(uuid.uuid4())


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("满意度"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), max_length=MAX_TEXT, required=False)
