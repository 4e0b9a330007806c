"""Invitation and reminder e-mails (French), sent through Django's mail backend."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone


def _deadline(survey) -> str:
    return formats.date_format(timezone.localtime(survey.deadline), "j F Y à H\\hi")


def send_invitation(*, target, link: str, reminder: bool = False) -> bool:
    """One e-mail to the target's address; False when it has none (the link is then shown to the manager)."""
    if not target.email:
        return False
    survey = target.survey
    subject = f"{'Relance — ' if reminder else ''}Enquête : {survey.title}"
    intro = (
        "Nous n'avons pas encore reçu votre réponse à l'enquête ci-dessous. Ce nouveau lien remplace le précédent ; "
        "votre brouillon éventuel est conservé."
        if reminder
        else "Votre organisation est invitée à répondre à l'enquête ci-dessous."
    )
    body = (
        f"Bonjour,\n\n{intro}\n\n"
        f"Enquête : {survey.title}\n"
        f"Pour : {target.organisation}\n"
        f"Date limite de réponse : {_deadline(survey)}\n\n"
        f"Votre lien personnel (aucun compte n'est nécessaire ; vous pouvez enregistrer un brouillon et revenir) :\n"
        f"{link}\n\n"
        "Ce lien est propre à votre organisation : ne le transférez qu'aux personnes qui répondent pour elle. "
        "Une fois la réponse envoyée, elle n'est plus modifiable.\n\n"
        "Plateforme de pilotage des Missions Locales"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [target.email])
    return True
