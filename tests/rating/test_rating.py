"""The rating workflow: drafts, submission, immutability and correction, blinding both ways."""

import re

from django.urls import reverse

from allianse.accounts.models import AuditEvent, Role
from allianse.rating import services
from allianse.rating.models import Assignment, Rating, RatingDraft
from tests.conftest import make_user, sign_in

from .conftest import full_answers


def rate_url(assignment):
    return reverse("rating:rate", args=[assignment.public_id])


def submit(client, assignment, value=4, **extra):
    return client.post(rate_url(assignment), {**full_answers(value), "action": "submit", **extra})


class TestAssignments:
    def test_a_rater_sees_only_their_own_assignments(self, rater_client, assignments, rater, second_rater):
        page = rater_client.get(reverse("rating:home")).content.decode()
        own, other = assignments
        assert reverse("rating:rate", args=[own.public_id]) in page
        assert reverse("rating:rate", args=[other.public_id]) not in page

    def test_a_rater_cannot_open_another_raters_assignment(self, rater_client, assignments):
        assert rater_client.get(rate_url(assignments[1])).status_code == 404

    def test_an_outsider_cannot_open_an_assignment(self, outsider_client, assignment):
        assert outsider_client.get(rate_url(assignment)).status_code == 404

    def test_the_rating_screen_plays_the_segment(self, rater_client, assignment, recording):
        page = rater_client.get(rate_url(assignment)).content.decode()
        assert f'src="/rating/segments/{assignment.segment.public_id}/stream/"' in page
        assert 'data-offset="2"' in page and str(recording.public_id) not in page
        assert "Stop and rewind" in page or "Stopp og spol tilbake" in page

    def test_the_leader_assigns_segments(self, leader_client, study, segment, rater):
        url = reverse("rating:study", args=[study.public_id])
        response = leader_client.post(url, {"segments": [segment.pk], "raters": [rater.pk], "kind": "rater"})
        assert response.status_code == 302
        assert Assignment.objects.get(study=study).rater == rater

    def test_a_rater_cannot_open_the_study_page(self, rater_client, study):
        assert rater_client.get(reverse("rating:study", args=[study.public_id])).status_code == 404

    def test_the_leader_sees_the_studys_segments_and_assignments(self, leader_client, study, assignments, rater):
        services.submit_rating(
            assignment=assignments[0], entered=services.RatingInput(answers=full_answers()), by=rater
        )
        response = leader_client.get(reverse("rating:study", args=[study.public_id]))
        page = response.content.decode()
        assert response.status_code == 200 and "<h1>MBT-G course, meeting 7</h1>" in page
        assert '<li>Opening <span class="muted">0:02–0:12</span>' in page
        assert "1 of 2 assignments submitted." in page
        rows = re.findall(r"<tr><td>Opening</td><td>(\w+)</td><td>[^<]+</td>\s*<td>([^<]+)</td></tr>", page)
        assert sorted(rows) == [("rater1", "submitted"), ("rater2", "not started")]
        assert AuditEvent.objects.filter(detail="study", actor=study.leader).exists()

    def test_no_one_but_the_leader_opens_the_study_page(self, client, study, therapist):
        url = reverse("rating:study", args=[study.public_id])
        for someone in (therapist, make_user("leader2", Role.COURSE_LEADER)):
            sign_in(client, someone)
            response = client.get(url)
            assert response.status_code == 404 and study.name not in response.content.decode()
        client.logout()
        assert client.get(url).url.startswith(reverse("accounts:login"))


class TestDrafts:
    def test_the_save_draft_button_keeps_what_was_entered(self, rater_client, assignment):
        data = {"i01_adherence": "5", "i01_quality__reason": "not_observed", "i18_quality__time": "12:40"}
        response = rater_client.post(rate_url(assignment), {**data, "action": "draft"})
        assert response.status_code == 302
        draft = RatingDraft.objects.get(assignment=assignment)
        assert draft.answers["i01_adherence"] == "5"
        assert draft.missing_reasons == {"i01_quality": "not_observed"}
        assert draft.time_stamps == {"i18_quality": 760}
        page = rater_client.get(rate_url(assignment)).content.decode()
        assert 'value="12:40"' in page and 'value="5" id="id_i01_adherence_4" checked' in page

    def test_the_script_saves_drafts_without_a_page(self, rater_client, assignment):
        response = rater_client.post(reverse("rating:autosave", args=[assignment.public_id]), {"i02_quality": "3"})
        assert response.status_code == 204
        assert RatingDraft.objects.get(assignment=assignment).answers["i02_quality"] == "3"

    def test_the_script_cannot_save_into_another_raters_draft(self, rater_client, assignments):
        url = reverse("rating:autosave", args=[assignments[1].public_id])
        assert rater_client.post(url, {"i02_quality": "3"}).status_code == 404
        assert not RatingDraft.objects.exists()


class TestSubmission:
    def test_an_empty_item_needs_a_reason(self, rater_client, assignment):
        answers = full_answers()
        del answers["i09_adherence"]
        response = rater_client.post(rate_url(assignment), {**answers, "action": "submit"})
        assert response.status_code == 400
        assert "Rate this item, or choose why it is left empty." in response.content.decode()
        assert not Rating.objects.exists() and RatingDraft.objects.filter(assignment=assignment).exists()

    def test_a_reason_makes_an_empty_item_complete(self, rater_client, assignment):
        answers = full_answers()
        del answers["i09_adherence"]
        data = {**answers, "i09_adherence__reason": "not_applicable", "action": "submit"}
        response = rater_client.post(rate_url(assignment), data)
        rating = Rating.objects.get()
        assert response.status_code == 302
        assert rating.missing_reasons == {"i09_adherence": "not_applicable"}
        assert rating.scores["quality"] == 4
        assert not RatingDraft.objects.exists()

    def test_a_time_stamp_is_kept_with_the_rating(self, rater_client, assignment):
        submit(rater_client, assignment, i18_quality__time="12:40")
        rating = Rating.objects.get()
        assert rating.time_stamps == {"i18_quality": 760}
        assert "12:40" in rater_client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()

    def test_a_submitted_rating_is_not_changed_by_a_second_submit(self, rater_client, assignment):
        submit(rater_client, assignment, value=4)
        response = submit(rater_client, assignment, value=6)
        assert response.status_code == 302
        assert Rating.objects.count() == 1 and Rating.objects.get().answers["i01_adherence"] == 4

    def test_a_correction_supersedes_with_a_reason(self, rater_client, assignment):
        submit(rater_client, assignment, value=4)
        first = Rating.objects.get()
        url = reverse("rating:correct", args=[first.public_id])
        response = rater_client.post(url, {**full_answers(5), "reason": "Rated the wrong segment first."})
        correction = Rating.objects.exclude(pk=first.pk).get()
        assert response.status_code == 302
        assert correction.supersedes == first and correction.correction_reason == "Rated the wrong segment first."
        assert first.answers["i01_adherence"] == 4 and correction.answers["i01_adherence"] == 5
        assert services.current_rating(assignment) == correction
        assert rater_client.get(url).status_code == 403  # only the current rating can be corrected

    def test_a_correction_needs_a_reason(self, rater_client, assignment):
        submit(rater_client, assignment)
        url = reverse("rating:correct", args=[Rating.objects.get().public_id])
        assert rater_client.post(url, full_answers(5)).status_code == 400
        assert Rating.objects.count() == 1


class TestBlinding:
    def test_before_submitting_a_rater_cannot_see_another_raters_rating(
        self, client, rater_client, assignments, second_rater
    ):
        own, other = assignments
        other_rating = services.submit_rating(
            assignment=other, entered=services.RatingInput(answers=full_answers(7)), by=second_rater
        ).rating
        assert rater_client.get(reverse("rating:rating", args=[other_rating.public_id])).status_code == 404
        page = rater_client.get(rate_url(own)).content.decode()
        assert second_rater.username not in page

    def test_after_submitting_a_rater_sees_the_others_and_the_reference(
        self, rater_client, assignments, second_rater, study, segment, leader
    ):
        own, other = assignments
        services.submit_rating(assignment=other, entered=services.RatingInput(answers=full_answers(7)), by=second_rater)
        reference = services.assign(study=study, segments=[segment], raters=[leader], kind="consensus", by=leader)[0]
        services.submit_rating(assignment=reference, entered=services.RatingInput(answers=full_answers(6)), by=leader)
        submit(rater_client, own, value=3)
        page = rater_client.get(reverse("rating:rating", args=[services.current_rating(own).public_id])).content
        page = page.decode()
        assert second_rater.username in page
        assert "Consensus reference rating" in page or "Konsensus" in page
        assert ">7<" in page and ">6<" in page and ">3<" in page

    def test_a_rater_never_sees_other_ratings_on_their_own_unsubmitted_screen(
        self, rater_client, assignments, second_rater
    ):
        own, other = assignments
        services.submit_rating(
            assignment=other,
            entered=services.RatingInput(answers=full_answers(7), time_stamps={"i18_quality": 1234}),
            by=second_rater,
        )
        services.save_draft(
            assignment=own,
            entered=services.RatingInput(
                answers={"i01_adherence": "2"}, missing_reasons={"i01_quality": "not_observed"}
            ),
        )
        page = rater_client.get(rate_url(own)).content.decode()
        assert re.findall(r'value="(\d)" id="id_(\w+)_\d+" checked', page) == [("2", "i01_adherence")]
        assert re.search(r'<option value="not_observed" selected>', page)
        assert "20:34" not in page and second_rater.username not in page  # the other's time stamp (1234 s)

    def test_the_leader_sees_every_rating(self, leader_client, assignments, second_rater):
        rating = services.submit_rating(
            assignment=assignments[1], entered=services.RatingInput(answers=full_answers(7)), by=second_rater
        ).rating
        response = leader_client.get(reverse("rating:rating", args=[rating.public_id]))
        page = response.content.decode()
        assert response.status_code == 200
        assert re.search(rf"<h1>{second_rater.display_name}'s rating of Opening\s*</h1>", page)
        values = re.findall(r'<tr><th scope="row">[^<]+</th><td>([^<]*)</td>', page)
        assert values and set(values) == {"7"}

    def test_an_outsider_cannot_see_a_rating(self, outsider_client, assignments, second_rater):
        rating = services.submit_rating(
            assignment=assignments[1], entered=services.RatingInput(answers=full_answers(7)), by=second_rater
        ).rating
        assert outsider_client.get(reverse("rating:rating", args=[rating.public_id])).status_code == 404
