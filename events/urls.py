from django.urls import path

from publishing.downloads import download_url

from . import downloads, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("upcoming.ics", views.upcoming_ics, name="feed_ics"),
    download_url(downloads.EventDownloadView.as_view()),
    path("registration/confirm/<str:token>/", views.confirm, name="confirm"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/register/", views.RegisterView.as_view(), name="register"),
    path("<slug:slug>/registered/", views.registered, name="registered"),
]
