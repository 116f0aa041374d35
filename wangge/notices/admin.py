from django.contrib import admin

from wangge.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "title", "event", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient", "event"]
    readonly_fields = ["created_at", "read_at"]
