"""Population, houses, special populations and key youth."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.basedata.models.base import GridBound, protected


class PersonKind(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    MIGRANT = "migrant", _("流动人口")
    FOREIGN = "foreign", _("境外人员")
    LEFT_BEHIND = "left_behind", _("留守人员")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class HouseUse(models.TextChoices):
    SELF_OCCUPIED = "self_occupied", _("自住")
    RENTAL = "rental", _("出租")
    VACANT = "vacant", _("空置")
    COMMERCIAL = "commercial", _("商用")
    OTHER = "other", _("其他")


class House(GridBound):
    code = models.CharField(_("房屋编码"), max_length=32, unique=True)
    address = models.CharField(_("地址"), max_length=200)
    use = models.CharField(_("用途"), max_length=16, choices=HouseUse.choices)
    floor_area = models.FloatField(_("建筑面积（㎡）"), null=True, blank=True)
    owner_name = models.CharField(_("房主姓名"), max_length=50, blank=True)
    owner_id_number_cipher, owner_id_number_index = protected("房主身份证号")
    owner_phone_cipher, owner_phone_index = protected("房主电话")

    class Meta(GridBound.Meta):
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        indexes = [
            *GridBound.Meta.indexes,
            models.Index(fields=["owner_id_number_index"], name="house_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class Person(GridBound):
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("人口类型"), max_length=16, choices=PersonKind.choices)
    id_number_cipher, id_number_index = protected("身份证号")
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone_cipher, phone_index = protected("联系电话")
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    house = models.ForeignKey(
        House,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
        verbose_name=_("居住房屋"),
        db_index=False,  # person_house_idx below: only people who have a house
    )
    address = models.CharField(_("现住址"), max_length=200, blank=True)
    registered_address = models.CharField(_("户籍地址"), max_length=200, blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("实有人口")
        verbose_name_plural = _("实有人口")
        indexes = [
            *GridBound.Meta.indexes,
            models.Index(fields=["phone_index"], name="person_phone_idx"),
            models.Index(fields=["name"], name="person_name_idx"),
            # Partial: most imported people have no house, and every row of an import
            # paid for an index entry of its NULL (docs/PERFORMANCE.md, Base data).
            models.Index(
                fields=["house"],
                name="person_house_idx",
                condition=models.Q(house__isnull=False),
            ),
        ]
        constraints = [
            # One person, one record: the keyed index of the ID number is unique.
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="person_id_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"Person {self.pk}"


class SpecialKind(models.TextChoices):
    RELEASED_PRISONER = "released_prisoner", _("刑满释放人员")
    COMMUNITY_CORRECTION = "community_correction", _("社区矫正人员")
    DRUG_USER = "drug_user", _("吸毒人员")
    MENTAL_DISORDER = "mental_disorder", _("严重精神障碍患者")
    HIV_RISK = "hiv_risk", _("艾滋病危险人员")
    OTHER = "other", _("其他")


class ManagementLevel(models.TextChoices):
    HIGH = "high", _("一级（重点）")
    MEDIUM = "medium", _("二级（关注）")
    LOW = "low", _("三级（一般）")


# Days between two visits when none is given: the stricter the level, the more often.
DEFAULT_VISIT_DAYS = {ManagementLevel.HIGH: 7, ManagementLevel.MEDIUM: 30, ManagementLevel.LOW: 90}


class SpecialPopulation(GridBound):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="special", verbose_name=_("人员")
    )
    kind = models.CharField(_("人群类别"), max_length=24, choices=SpecialKind.choices)
    level = models.CharField(_("管理等级"), max_length=8, choices=ManagementLevel.choices)
    visit_days = models.PositiveIntegerField(_("走访周期（天）"))
    last_visited_on = models.DateField(_("最近走访日期"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次走访截止"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("特殊人群")
        verbose_name_plural = _("特殊人群")
        indexes = [
            *GridBound.Meta.indexes,
            models.Index(fields=["region_code", "next_visit_due"], name="special_due_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="special_kind_once")]


class KeyYouthKind(models.TextChoices):
    IDLE = "idle", _("闲散青少年")
    BAD_BEHAVIOUR = "bad_behaviour", _("有不良行为青少年")
    VAGRANT = "vagrant", _("流浪乞讨未成年人")
    PRISONERS_CHILD = "prisoners_child", _("服刑人员未成年子女")
    LEFT_BEHIND_CHILD = "left_behind_child", _("农村留守儿童")
    OTHER = "other", _("其他")


class KeyYouth(GridBound):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="key_youth", verbose_name=_("人员")
    )
    kind = models.CharField(_("类别"), max_length=24, choices=KeyYouthKind.choices)
    guardian_name = models.CharField(_("监护人"), max_length=50, blank=True)
    guardian_phone_cipher, guardian_phone_index = protected("监护人电话")
    notes = models.TextField(_("帮扶情况"), blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("重点青少年")
        verbose_name_plural = _("重点青少年")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="youth_kind_once")]
