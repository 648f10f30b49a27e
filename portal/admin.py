"""Accounts in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "last_login"]
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["display_name"]})]
