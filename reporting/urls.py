from django.urls import path

from reporting import assessment_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:period_pk>/unit/<int:unit_pk>/", views.report_page, name="report"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("notices/", views.notices, name="notices"),
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
