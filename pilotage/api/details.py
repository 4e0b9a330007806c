"""The nested detail of conventions, management dialogues and animation programmes (`GET …/{id}/`): what their
pages show, read through the objects the viewset already fetched with `visible_to` (hence the same visibility:
outside it, 404). Lists keep the flat serializers of `serializers.py`."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pilotage.animation.models import Programme
from pilotage.api.serializers import AnimationProgrammeSerializer, ConventionSerializer, ManagementDialogueSerializer
from pilotage.dialogue.context import targets as dialogue_targets
from pilotage.dialogue.models import ActionStatus
from pilotage.funding.models.conventions import (
    AmendmentStatus,
    BudgetLineKind,
    PaymentKind,
    PaymentStatus,
)

AMOUNT = {"max_digits": 14, "decimal_places": 2, "read_only": True}


def _amount(source, **kwargs):
    return serializers.DecimalField(source=source, **AMOUNT, **kwargs)


class BudgetLineSerializer(serializers.Serializer):
    ligne = serializers.ChoiceField(source="kind", choices=BudgetLineKind.choices, read_only=True)
    code_activite = serializers.CharField(source="activity_code", read_only=True)
    engagement_chorus = serializers.CharField(source="chorus_commitment", read_only=True)
    montant = _amount("amount")


class PaymentSerializer(serializers.Serializer):
    versement = serializers.ChoiceField(source="kind", choices=PaymentKind.choices, read_only=True)
    montant = _amount("amount")
    statut = serializers.ChoiceField(source="status", choices=PaymentStatus.choices, read_only=True)
    verse_le = serializers.DateField(source="paid_on", read_only=True, allow_null=True)


class AmendmentSerializer(serializers.Serializer):
    """Un avenant annuel : ses lignes budgétaires et ses versements."""

    id = serializers.IntegerField(read_only=True)
    numero = serializers.IntegerField(source="number", read_only=True)
    annee = serializers.IntegerField(source="year", read_only=True)
    statut = serializers.ChoiceField(source="status", choices=AmendmentStatus.choices, read_only=True)
    signe_le = serializers.DateField(source="signed_on", read_only=True, allow_null=True)
    lignes_budgetaires = BudgetLineSerializer(source="budget_lines", many=True, read_only=True)
    versements = PaymentSerializer(source="payments", many=True, read_only=True)


class ConventionDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    libelle = serializers.CharField(source="label", read_only=True)
    depose_le = serializers.DateTimeField(source="uploaded_at", read_only=True)
    lien = serializers.SerializerMethodField(help_text="Téléchargement par l'API (même jeton).")

    def get_lien(self, document) -> str:
        path = f"/api/v1/conventions/{document.convention_id}/documents/{document.pk}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ConventionDetailSerializer(ConventionSerializer):
    """Une convention avec ses avenants (lignes budgétaires, versements) et ses documents."""

    avenants = AmendmentSerializer(source="amendments", many=True, read_only=True)
    documents = ConventionDocumentSerializer(many=True, read_only=True)

    class Meta(ConventionSerializer.Meta):
        fields = [*ConventionSerializer.Meta.fields, "avenants", "documents"]


class ThemeAnswerSerializer(serializers.Serializer):
    theme = serializers.CharField(read_only=True)
    reponse = serializers.CharField(source="text", read_only=True)


class SynthesisRowSerializer(serializers.Serializer):
    theme = serializers.CharField(read_only=True)
    forces = serializers.CharField(source="strengths", read_only=True)
    axes_de_progres = serializers.CharField(source="areas_for_progress", read_only=True)
    actions_prioritaires = serializers.CharField(source="priority_actions", read_only=True)


class ActionPlanItemSerializer(serializers.Serializer):
    theme = serializers.CharField(read_only=True)
    action = serializers.CharField(source="title", read_only=True)
    pilote = serializers.CharField(source="owner", read_only=True)
    echeance = serializers.DateField(source="due_on", read_only=True)
    etat = serializers.ChoiceField(source="status", choices=ActionStatus.choices, read_only=True)
    suivi = serializers.CharField(source="follow_up", read_only=True)


class DialogueTargetSerializer(serializers.Serializer):
    ratio = serializers.CharField(source="id")
    libelle = serializers.CharField(source="label")
    realise = serializers.DecimalField(source="achieved", max_digits=24, decimal_places=10, allow_null=True,
                                       help_text="Valeur de l'année examinée.")  # fmt: skip
    objectif_precedent = serializers.DecimalField(source="previous_target", max_digits=12, decimal_places=4,
                                                  allow_null=True)  # fmt: skip
    objectif = serializers.DecimalField(source="target", max_digits=12, decimal_places=4, allow_null=True,
                                        help_text="Objectif négocié pour l'année suivante.")  # fmt: skip


class ManagementDialogueDetailSerializer(ManagementDialogueSerializer):
    """Un dossier de dialogue de gestion : réponses par thème, synthèse, objectifs et plan d'action."""

    justification_subvention = serializers.CharField(source="subsidy_justification", read_only=True)
    themes = ThemeAnswerSerializer(source="answers", many=True, read_only=True)
    synthese = SynthesisRowSerializer(source="synthesis", many=True, read_only=True)
    objectifs = serializers.SerializerMethodField()
    plan_action = ActionPlanItemSerializer(source="actions", many=True, read_only=True)

    class Meta(ManagementDialogueSerializer.Meta):
        fields = [*ManagementDialogueSerializer.Meta.fields, "justification_subvention", "themes", "synthese",
                  "objectifs", "plan_action"]  # fmt: skip

    @extend_schema_field(DialogueTargetSerializer(many=True))
    def get_objectifs(self, dialogue):
        return DialogueTargetSerializer(dialogue_targets(dialogue), many=True).data


class FundingShareSerializer(serializers.Serializer):
    financeur = serializers.IntegerField(source="funder_id", read_only=True)
    montant = _amount("amount")


class MilestoneSerializer(serializers.Serializer):
    jalon = serializers.CharField(source="label", read_only=True)
    echeance = serializers.DateField(source="due_on", read_only=True)
    atteint = serializers.CharField(source="achievement", read_only=True)
    atteint_le = serializers.DateField(source="achieved_on", read_only=True, allow_null=True)


class ResultIndicatorSerializer(serializers.Serializer):
    indicateur = serializers.CharField(source="label", read_only=True)
    cible = serializers.DecimalField(source="target", max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    realise = serializers.DecimalField(source="achieved", max_digits=12, decimal_places=2, read_only=True,
                                       allow_null=True)  # fmt: skip


class ProgrammeActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    numero = serializers.IntegerField(source="position", read_only=True)
    intitule = serializers.CharField(source="title", read_only=True)
    objectif = serializers.CharField(source="objective", read_only=True)
    type_action = serializers.CharField(source="action_type", read_only=True, allow_null=True)
    pourquoi = serializers.CharField(source="why", read_only=True)
    comment = serializers.CharField(source="how", read_only=True)
    methode = serializers.CharField(source="method", read_only=True)
    cout_previsionnel = _amount("forecast_cost")
    montant_etat = _amount("state_amount")
    realise = serializers.CharField(source="done", read_only=True)
    cout_realise = _amount("cost_spent", allow_null=True)
    cofinancements = FundingShareSerializer(source="fundings", many=True, read_only=True)
    jalons = MilestoneSerializer(source="milestones", many=True, read_only=True)
    indicateurs = ResultIndicatorSerializer(source="indicators", many=True, read_only=True)


class AnimationProgrammeDetailSerializer(AnimationProgrammeSerializer):
    """Un programme régional d'animation avec ses actions, leurs cofinancements, jalons et indicateurs."""

    actions_detail = ProgrammeActionSerializer(source="actions", many=True, read_only=True)

    class Meta(AnimationProgrammeSerializer.Meta):
        model = Programme
        fields = [*AnimationProgrammeSerializer.Meta.fields, "actions_detail"]
