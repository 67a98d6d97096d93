from __future__ import annotations

from django.urls import path

from healtheos.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.search, name="search"),
    path("plan/upload/", views.payer_upload, name="payer_upload"),
    path("enrollment/", views.enrollment, name="enrollment"),
    path("<int:payment_id>/", views.detail, name="detail"),
    path("<int:payment_id>/remittance.835", views.download_835, name="download_835"),
    path("<int:payment_id>/remittance.pdf", views.download_pdf, name="download_pdf"),
]
