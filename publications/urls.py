from django.urls import path

from publishing.citations import cite_url
from publishing.downloads import download_url

from . import downloads, views

app_name = "publications"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    download_url(downloads.PublicationDownloadView.as_view()),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("<slug:slug>/download/", views.download, name="download"),
    cite_url(views.PublicationCitationView.as_view()),
    path(
        "<slug:slug>/editions/<str:language>/download/",
        views.edition_download,
        name="edition_download",
    ),
]
