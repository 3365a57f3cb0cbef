"""URLs of a quarterly report's indicator table."""

from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("bao-cao/<int:pk>/chi-tieu/", views.indicator_list, name="indicator_list"),
    path("bao-cao/<int:pk>/chi-tieu/<int:row>/", views.indicator_edit, name="indicator_edit"),
    path("bao-cao/<int:pk>/tong-hop/", views.indicator_pull, name="indicator_pull"),
]
