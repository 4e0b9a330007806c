"""JSON representations of the reference data (class docstrings and help texts are the API documentation).

Field names are the users' French words, the same as the CSV import/export columns (`code_ml`, `nom`,
`nom_usage`, `siret`, `forme_juridique`, `departement`, `departements_couverts`, `adresse`…): a file exported
from a spreadsheet and a JSON document read the same way. Territories are given by their INSEE code.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pilotage.accounts.models import ORGANISATION_FIELDS
from pilotage.animation.models import Programme
from pilotage.api.sync import UpdatedAtField
from pilotage.api.validation import OptionalEmailField, OptionalRegexField, TextField
from pilotage.core.roles import Role
from pilotage.core.validators import compact_identifier
from pilotage.dialogue.models import DialogueStatus, ManagementDialogue
from pilotage.funding.models import Convention, ConventionKind, ConventionStatus, FundingCategory, FundingLine
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    Region,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)
from pilotage.reference.perms import MISSION_LOCALE_DIRECTOR_FIELDS


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class RegionSerializer(serializers.ModelSerializer):
    """Une région du Code officiel géographique."""

    code = serializers.CharField(read_only=True, help_text="Code INSEE de la région (ex. 93).")
    nom = serializers.CharField(source="name", read_only=True)

    modifie_le = UpdatedAtField()

    class Meta:
        model = Region
        fields = ["code", "nom", "modifie_le"]


class DepartmentSerializer(serializers.ModelSerializer):
    """Un département du Code officiel géographique."""

    code = serializers.CharField(read_only=True, help_text="Code INSEE du département (ex. 13, 2A, 974).")
    nom = serializers.CharField(source="name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, help_text="Code INSEE de la région.")

    modifie_le = UpdatedAtField()

    class Meta:
        model = Department
        fields = ["code", "nom", "region", "modifie_le"]


#: the contact and governance fields shared by the Missions Locales and the ARML: API name → model field, help
CONTACT_FIELDS = {
    "adresse": ("address", "Adresse du siège."),
    "code_postal": ("postcode", "Code postal du siège (5 chiffres)."),
    "commune": ("city", "Commune du siège."),
    "courriel": ("email", "Adresse électronique."),
    "telephone": ("phone", "Téléphone."),
    "president": ("president", "Président ou présidente."),
    "directeur": ("director", "Directeur ou directrice."),
}


def _contact(model, name: str, *, read_only: bool) -> serializers.Field:
    source, help_text = CONTACT_FIELDS[name]
    kwargs = {"read_only": True} if read_only else {"required": False, "allow_blank": True}
    if source != name:
        kwargs["source"] = source
    kwargs.update(help_text=help_text, max_length=_max_length(model, source))
    # An unknown e-mail or postcode is stored as "" and given as null: the declared format holds for every value.
    if name == "courriel":
        return OptionalEmailField(allow_null=True, **kwargs)
    if name == "code_postal":
        return OptionalRegexField(
            r"^\d{5}$", allow_null=True, error_messages={"invalid": "Le code postal comporte 5 chiffres."}, **kwargs
        )
    return TextField(**kwargs)


CONTACT_FIELD_NAMES = list(CONTACT_FIELDS)


class MissionLocaleSerializer(serializers.ModelSerializer):
    """Une Mission Locale, désignée par son code structure i-milo (`code_ml`)."""

    code_ml = serializers.CharField(
        source="code", read_only=True, help_text="Code de la structure dans i-milo (ex. 13201S00), identifiant."
    )
    nom = TextField(source="name", max_length=_max_length(MissionLocale, "name"), help_text="Raison sociale.")
    nom_usage = TextField(
        source="usual_name",
        max_length=_max_length(MissionLocale, "usual_name"),
        allow_blank=True,
        required=False,
        help_text="Nom d'usage, s'il diffère de la raison sociale.",
    )
    siret = TextField(
        max_length=20,
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text="SIRET du siège (14 chiffres ; espaces acceptés en entrée).",
    )
    forme_juridique = serializers.ChoiceField(
        source="legal_form", choices=LegalForm.choices, allow_blank=True, required=False
    )
    departement = serializers.SlugRelatedField(
        source="department",
        slug_field="code",
        queryset=Department.objects.all(),
        help_text="Code INSEE du département du siège.",
    )
    departements_couverts = serializers.SlugRelatedField(
        source="departments_covered",
        slug_field="code",
        many=True,
        queryset=Department.objects.all(),
        required=False,
        help_text="Codes INSEE des autres départements couverts (sans celui du siège).",
    )
    region = serializers.CharField(
        source="department.region_id", read_only=True, help_text="Code INSEE de la région du siège."
    )
    actif = serializers.BooleanField(
        source="is_active", required=False, help_text="Faux pour une structure fermée, fusionnée ou temporaire."
    )
    adresse = _contact(MissionLocale, "adresse", read_only=False)
    code_postal = _contact(MissionLocale, "code_postal", read_only=False)
    commune = _contact(MissionLocale, "commune", read_only=False)
    courriel = _contact(MissionLocale, "courriel", read_only=False)
    telephone = _contact(MissionLocale, "telephone", read_only=False)
    president = _contact(MissionLocale, "president", read_only=False)
    directeur = _contact(MissionLocale, "directeur", read_only=False)

    modifie_le = UpdatedAtField()

    class Meta:
        model = MissionLocale
        fields = [
            "code_ml", "nom", "nom_usage", "siret", "forme_juridique", "departement", "departements_couverts",
            "region", "actif", *CONTACT_FIELD_NAMES, "modifie_le",
        ]  # fmt: skip

    def validate_siret(self, value):
        """Spaces, dots and dashes removed; empty means unknown (several Missions Locales may lack one)."""
        if not value:
            return None
        value = compact_identifier(value)
        field = MissionLocale._meta.get_field("siret")
        for validator in field.validators:
            validator(value)  # Django's ValidationError is turned into a 400 by DRF
        others = MissionLocale.objects.filter(siret=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("Une autre Mission Locale a déjà ce SIRET.")
        return value

    def validate(self, attrs):
        # Like the import: the seat's department is not repeated among the departments covered.
        seat = attrs.get("department") or (self.instance.department if self.instance else None)
        if "departments_covered" in attrs:
            attrs["departments_covered"] = [d for d in attrs["departments_covered"] if d != seat]
        elif "department" in attrs and self.instance is not None:
            covered = list(self.instance.departments_covered.all())
            if seat in covered:
                attrs["departments_covered"] = [d for d in covered if d != seat]
        return attrs

    #: API field → model field, to tell which fields a user may change
    MODEL_FIELDS = {
        "nom": "name", "nom_usage": "usual_name", "siret": "siret", "forme_juridique": "legal_form",
        "departement": "department", "departements_couverts": "departments_covered", "actif": "is_active",
        **{name: source for name, (source, _) in CONTACT_FIELDS.items()},
    }  # fmt: skip
    API_FIELDS = {model: api for api, model in MODEL_FIELDS.items()}


class RegionalAssociationSerializer(serializers.ModelSerializer):
    """L'association régionale des Missions Locales (ARML) d'une région."""

    nom = serializers.CharField(source="name", read_only=True)
    sigle = serializers.CharField(source="acronym", read_only=True)
    siret = serializers.CharField(read_only=True, allow_null=True)
    forme_juridique = serializers.ChoiceField(source="legal_form", choices=LegalForm.choices, read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, help_text="Code INSEE de la région.")
    adresse = _contact(RegionalAssociation, "adresse", read_only=True)
    code_postal = _contact(RegionalAssociation, "code_postal", read_only=True)
    commune = _contact(RegionalAssociation, "commune", read_only=True)
    courriel = _contact(RegionalAssociation, "courriel", read_only=True)
    telephone = _contact(RegionalAssociation, "telephone", read_only=True)
    president = _contact(RegionalAssociation, "president", read_only=True)
    directeur = _contact(RegionalAssociation, "directeur", read_only=True)

    modifie_le = UpdatedAtField()

    class Meta:
        model = RegionalAssociation
        fields = ["id", "nom", "sigle", "siret", "forme_juridique", "region", *CONTACT_FIELD_NAMES, "modifie_le"]


class StateServiceSerializer(serializers.ModelSerializer):
    """Un service de l'État : la DGEFP (national), une DREETS (régional) ou une DDETS (départemental)."""

    nom = serializers.CharField(source="name", read_only=True)
    niveau = serializers.ChoiceField(source="level", choices=StateServiceLevel.choices, read_only=True)
    region = serializers.CharField(
        source="region_id", read_only=True, allow_null=True, help_text="Code INSEE de la région (DREETS)."
    )
    departement = serializers.CharField(
        source="department_id", read_only=True, allow_null=True, help_text="Code INSEE du département (DDETS)."
    )
    courriel = OptionalEmailField(source="email", read_only=True, allow_null=True, help_text="Adresse électronique.")

    modifie_le = UpdatedAtField()

    class Meta:
        model = StateService
        fields = ["id", "nom", "niveau", "region", "departement", "courriel", "modifie_le"]


class FunderSerializer(serializers.ModelSerializer):
    """Un financeur des Missions Locales ; `code` est le `financeur_code` des lignes de financement."""

    type = serializers.ChoiceField(choices=FunderType.choices, read_only=True)
    nom = serializers.CharField(source="name", read_only=True)
    code = serializers.CharField(
        read_only=True,
        help_text="Code INSEE de la région ou du département, SIREN de la commune ou de l'EPCI, vide pour un "
        "financeur national.",
    )
    siren = serializers.CharField(read_only=True)
    region = serializers.CharField(
        source="region_id", read_only=True, allow_null=True, help_text="Code INSEE de la région."
    )
    departement = serializers.CharField(
        source="department_id", read_only=True, allow_null=True, help_text="Code INSEE du département."
    )

    modifie_le = UpdatedAtField()

    class Meta:
        model = Funder
        fields = ["id", "type", "nom", "code", "siren", "region", "departement", "modifie_le"]


class OrganisationSerializer(serializers.Serializer):
    """L'organisation du compte."""

    type = serializers.ChoiceField(
        choices=[
            ("state_service", "Service de l'État"),
            ("funder", "Financeur (collectivité)"),
            ("mission_locale", "Mission Locale"),
            ("regional_association", "ARML"),
            ("national_body", "Organisme national"),
        ],
        help_text="Type d'organisation ; la ressource correspondante de l'API se lit avec `id` (ou `code_ml`).",
    )
    id = serializers.IntegerField()
    nom = serializers.CharField()
    code_ml = serializers.CharField(required=False, help_text="Code structure, pour une Mission Locale.")


class ScopeSerializer(serializers.Serializer):
    """Le périmètre du compte : ce que l'API lui montre."""

    national = serializers.BooleanField(help_text="Vrai : tout le territoire national est visible.")
    regions = serializers.ListField(
        child=serializers.CharField(), help_text="Codes INSEE des régions visibles en entier (vide si national)."
    )
    departements = serializers.ListField(
        child=serializers.CharField(), help_text="Codes INSEE des départements visibles (vide si national)."
    )
    missions_locales = serializers.ListField(
        child=serializers.CharField(),
        help_text="Codes des Missions Locales visibles une à une (sa propre Mission Locale, celles d'une "
        "commune ou d'un EPCI), en plus de celles des départements visibles.",
    )


class MeSerializer(serializers.Serializer):
    """Le compte authentifié : son rôle, son organisation et la partie du territoire qu'il voit."""

    courriel = serializers.EmailField(source="email")
    prenom = serializers.CharField(source="first_name")
    nom = serializers.CharField(source="last_name")
    role = serializers.ChoiceField(
        choices=Role.choices, allow_blank=True, help_text="Code du rôle (vide pour un administrateur technique)."
    )
    role_libelle = serializers.CharField(source="get_role_display")
    organisation = serializers.SerializerMethodField()
    perimetre = serializers.SerializerMethodField()

    @extend_schema_field(OrganisationSerializer(allow_null=True))
    def get_organisation(self, user):
        for kind in ORGANISATION_FIELDS:
            if getattr(user, f"{kind}_id"):
                organisation = getattr(user, kind)
                data = {"type": kind, "id": organisation.pk, "nom": str(organisation)}
                if kind == "mission_locale":
                    data["code_ml"] = organisation.code
                return OrganisationSerializer(data).data
        return None

    @extend_schema_field(ScopeSerializer)
    def get_perimetre(self, user):
        scope = user.scope
        codes = MissionLocale.objects.filter(pk__in=scope.mission_locale_ids).values_list("code", flat=True)
        return ScopeSerializer(
            {
                "national": scope.everything,
                "regions": sorted(scope.region_codes),
                "departements": sorted(scope.department_codes),
                "missions_locales": sorted(codes),
            }
        ).data


#: the API names of the fields a Mission Locale's director may change
DIRECTOR_API_FIELDS = tuple(MissionLocaleSerializer.API_FIELDS[name] for name in MISSION_LOCALE_DIRECTOR_FIELDS)


class FundingLineSerializer(serializers.ModelSerializer):
    """Une ligne de financement, dans le format d'import (funding-format.md)."""

    code_ml = serializers.CharField(source="mission_locale.code", read_only=True)
    annee = serializers.IntegerField(source="year", read_only=True)
    financeur_type = serializers.ChoiceField(source="funder_type", choices=FunderType.choices, read_only=True)
    financeur_code = serializers.CharField(source="funder_code", read_only=True)
    categorie = serializers.ChoiceField(source="category", choices=FundingCategory.choices, read_only=True)
    theme = serializers.CharField(read_only=True)
    montant = serializers.DecimalField(source="amount", max_digits=14, decimal_places=2, read_only=True)

    modifie_le = UpdatedAtField()

    class Meta:
        model = FundingLine
        fields = ["id", "code_ml", "annee", "financeur_type", "financeur_code", "categorie", "theme", "montant",
                  "modifie_le"]  # fmt: skip


class ConventionSerializer(serializers.ModelSerializer):
    """Une convention : CPO de l'État ou convention d'un autre financeur."""

    type = serializers.ChoiceField(source="kind", choices=ConventionKind.choices, read_only=True)
    numero = serializers.CharField(source="reference", read_only=True)
    intitule = serializers.CharField(source="title", read_only=True)
    theme = serializers.CharField(read_only=True)
    financeur = serializers.IntegerField(source="funder_id", read_only=True)
    cofinanceurs = serializers.PrimaryKeyRelatedField(source="co_funders", many=True, read_only=True)
    code_ml = serializers.SerializerMethodField()
    arml = serializers.IntegerField(source="regional_association_id", read_only=True, allow_null=True)
    debut = serializers.DateField(source="start_date", read_only=True)
    fin = serializers.DateField(source="end_date", read_only=True)
    signee_le = serializers.DateField(source="signed_on", read_only=True, allow_null=True)
    statut = serializers.ChoiceField(source="status", choices=ConventionStatus.choices, read_only=True)
    subvention_annuelle_prevue = serializers.DecimalField(
        source="planned_annual_amount", max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )

    modifie_le = UpdatedAtField()

    class Meta:
        model = Convention
        fields = ["id", "type", "numero", "intitule", "theme", "financeur", "cofinanceurs", "code_ml", "arml",
                  "debut", "fin", "signee_le", "statut", "subvention_annuelle_prevue", "modifie_le"]  # fmt: skip

    def get_code_ml(self, convention) -> str | None:
        return convention.mission_locale.code if convention.mission_locale_id else None


class ManagementDialogueSerializer(serializers.ModelSerializer):
    """Un dossier de dialogue de gestion : l'année examinée, la Mission Locale, l'état, la subvention proposée."""

    annee = serializers.IntegerField(source="campaign.year", read_only=True)
    region = serializers.CharField(source="campaign.region_id", read_only=True)
    code_ml = serializers.CharField(source="mission_locale.code", read_only=True)
    etat = serializers.ChoiceField(source="status", choices=DialogueStatus.choices, read_only=True)
    subvention_proposee = serializers.DecimalField(
        source="proposed_subsidy", max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    conclu_le = serializers.DateField(source="concluded_on", read_only=True, allow_null=True)

    modifie_le = UpdatedAtField()

    class Meta:
        model = ManagementDialogue
        fields = ["id", "annee", "region", "code_ml", "etat", "subvention_proposee", "conclu_le", "modifie_le"]


class AnimationProgrammeSerializer(serializers.ModelSerializer):
    """Un programme régional d'animation : l'ARML, l'année, l'état, le coût et le montant de l'État."""

    annee = serializers.IntegerField(source="year", read_only=True)
    region = serializers.CharField(source="regional_association.region_id", read_only=True)
    arml = serializers.IntegerField(source="regional_association_id", read_only=True)
    etat = serializers.CharField(source="status", read_only=True)
    actions = serializers.IntegerField(source="action_count", read_only=True)
    cout_previsionnel = serializers.DecimalField(source="cost_total", max_digits=14, decimal_places=2,
                                                 read_only=True, allow_null=True)  # fmt: skip
    montant_etat = serializers.DecimalField(source="state_total", max_digits=14, decimal_places=2, read_only=True,
                                            allow_null=True)  # fmt: skip
    convention = serializers.IntegerField(source="convention_id", read_only=True, allow_null=True)

    modifie_le = UpdatedAtField()

    class Meta:
        model = Programme
        fields = ["id", "annee", "region", "arml", "etat", "actions", "cout_previsionnel", "montant_etat",
                  "convention", "modifie_le"]  # fmt: skip
