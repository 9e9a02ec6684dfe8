from django.urls import path

from publishing.citations import cite_url
from publishing.downloads import download_url

from . import downloads, views

app_name = "initiatives"

urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="list"),
    download_url(downloads.InitiativeDownloadView.as_view()),
    path("<slug:slug>/", views.InitiativeDetailView.as_view(), name="detail"),
    cite_url(views.InitiativeCitationView.as_view()),
    path("<slug:slug>/brief.pdf", views.initiative_brief, name="brief"),
]
