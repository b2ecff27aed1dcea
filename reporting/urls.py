from django.urls import path

from reporting import assessment_views, locker_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:period_pk>/unit/<int:unit_pk>/", views.report_page, name="report"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("notices/", views.notices, name="notices"),
    path("notices/channels/", views.notice_channels, name="notice_channels"),
    path("locker/", locker_views.locker_page, name="locker"),
    path(
        "internal/<int:framework_pk>/scores/",
        locker_views.internal_scoring,
        name="internal_scoring",
    ),
    path("locker/attach/<int:item_pk>/", locker_views.locker_attach, name="locker_attach"),
    path("locker/review/<int:document_pk>/", locker_views.locker_review, name="locker_review"),
    path("locker/file/<int:document_pk>/", locker_views.locker_file, name="locker_file"),
    path("locker/dossier/", locker_views.dossier_start, name="dossier_start"),
    path("locker/dossier/<int:export_pk>/", locker_views.dossier_page, name="dossier"),
    path(
        "locker/dossier/<int:export_pk>/download/",
        locker_views.dossier_download,
        name="dossier_download",
    ),
    path(
        "<int:period_pk>/assessment/<int:unit_pk>/",
        assessment_views.assessment_page,
        name="assessment",
    ),
    path("assessment/<int:assessment_pk>/appraise/", assessment_views.appraise, name="appraise"),
    path(
        "assessment-evidence/<int:file_pk>/",
        assessment_views.score_evidence_download,
        name="score_evidence",
    ),
    path(
        "board/<int:period_pk>/assessments/",
        assessment_views.assessment_list,
        name="assessments",
    ),
    path("board/", views.board_current, name="board_current"),
    path("board/<int:period_pk>/", views.board, name="board"),
    path("review/<int:report_pk>/", views.review, name="review"),
    path("board/<int:period_pk>/reopen/<int:unit_pk>/", views.reopen, name="reopen"),
    path("board/<int:period_pk>/summary/", views.summary_print, name="summary"),
    path("board/<int:period_pk>/summary.xlsx", views.summary_excel, name="summary_excel"),
]
