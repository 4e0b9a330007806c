"""API field names are the users' French words, the same as the CSV import/export columns."""

from rest_framework import serializers

from pilotage.reference.models import Department, Funder, MissionLocale, Region, RegionalAssociation, StateService


class RegionSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")

    class Meta:
        model = Region
        fields = ["code", "nom"]


class DepartmentSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Department
        fields = ["code", "nom", "region"]


CONTACT_FIELDS = {
    "adresse": "address",
    "code_postal": "postcode",
    "commune": "city",
    "courriel": "email",
    "telephone": "phone",
    "president": "president",
    "directeur": "director",
}


class MissionLocaleSerializer(serializers.ModelSerializer):
    code_ml = serializers.CharField(source="code", read_only=True)
    nom = serializers.CharField(source="name")
    nom_usage = serializers.CharField(source="usual_name", allow_blank=True, required=False)
    forme_juridique = serializers.ChoiceField(
        source="legal_form", choices=MissionLocale._meta.get_field("legal_form").choices, allow_blank=True
    )
    departement = serializers.SlugRelatedField(source="department", slug_field="code", queryset=Department.objects)
    departements_couverts = serializers.SlugRelatedField(
        source="departments_covered", slug_field="code", many=True, queryset=Department.objects, required=False
    )
    region = serializers.CharField(source="department.region_id", read_only=True)
    actif = serializers.BooleanField(source="is_active", required=False)
    adresse = serializers.CharField(source="address", allow_blank=True, required=False)
    code_postal = serializers.CharField(source="postcode", allow_blank=True, required=False)
    commune = serializers.CharField(source="city", allow_blank=True, required=False)
    courriel = serializers.EmailField(source="email", allow_blank=True, required=False)
    telephone = serializers.CharField(source="phone", allow_blank=True, required=False)
    directeur = serializers.CharField(source="director", allow_blank=True, required=False)

    class Meta:
        model = MissionLocale
        fields = [
            "code_ml", "nom", "nom_usage", "siret", "forme_juridique", "departement", "departements_couverts",
            "region", "actif", "adresse", "code_postal", "commune", "courriel", "telephone", "president",
            "directeur",
        ]  # fmt: skip

    #: API field → model field, to check what a user may change
    MODEL_FIELDS = {
        "nom": "name", "nom_usage": "usual_name", "siret": "siret", "forme_juridique": "legal_form",
        "departement": "department", "departements_couverts": "departments_covered", "actif": "is_active",
        **CONTACT_FIELDS,
    }  # fmt: skip


class RegionalAssociationSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    sigle = serializers.CharField(source="acronym")
    region = serializers.CharField(source="region_id")
    forme_juridique = serializers.CharField(source="legal_form")

    class Meta:
        model = RegionalAssociation
        fields = ["id", "nom", "sigle", "siret", "forme_juridique", "region"]


class StateServiceSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    niveau = serializers.CharField(source="level")
    region = serializers.CharField(source="region_id", allow_null=True)
    departement = serializers.CharField(source="department_id", allow_null=True)

    class Meta:
        model = StateService
        fields = ["id", "nom", "niveau", "region", "departement"]


class FunderSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    region = serializers.CharField(source="region_id", allow_null=True)
    departement = serializers.CharField(source="department_id", allow_null=True)

    class Meta:
        model = Funder
        fields = ["id", "type", "nom", "code", "siren", "region", "departement"]


class MeSerializer(serializers.Serializer):
    courriel = serializers.EmailField(source="email")
    role = serializers.CharField()
    role_libelle = serializers.CharField(source="get_role_display")
    organisation = serializers.SerializerMethodField()
    perimetre = serializers.SerializerMethodField()

    def get_organisation(self, user) -> str | None:
        return str(user.organisation) if user.organisation else None

    def get_perimetre(self, user) -> dict:
        scope = user.scope
        return {
            "national": scope.everything,
            "regions": sorted(scope.region_codes),
            "departements": sorted(scope.department_codes),
            "missions_locales": sorted(
                MissionLocale.objects.filter(pk__in=scope.mission_locale_ids).values_list("code", flat=True)
            ),
        }
