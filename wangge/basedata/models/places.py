"""Organizations, key places and inspections, disputes, school surroundings, line protection."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.basedata.models.base import GridBound, protected


class OrgKind(models.TextChoices):
    NON_PUBLIC_ECONOMIC = "non_public_economic", _("非公有制经济组织")
    SOCIAL = "social", _("社会组织")


class Organization(GridBound):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("组织类型"), max_length=24, choices=OrgKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_phone_cipher, contact_phone_index = protected("联系电话")
    address = models.CharField(_("地址"), max_length=200)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    has_party_org = models.BooleanField(_("建有党组织"), default=False)

    class Meta(GridBound.Meta):
        verbose_name = _("非公有制经济组织和社会组织")
        verbose_name_plural = _("非公有制经济组织和社会组织")

    def __str__(self) -> str:
        return self.name


class KeyPlaceKind(models.TextChoices):
    ENTERTAINMENT = "entertainment", _("娱乐场所")
    HOTEL = "hotel", _("旅馆")
    INTERNET_CAFE = "internet_cafe", _("网吧")
    FUEL_STATION = "fuel_station", _("加油站")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危化品单位")
    LOGISTICS = "logistics", _("寄递物流")
    CROWDED = "crowded", _("人员密集场所")
    OTHER = "other", _("其他")


class KeyPlace(GridBound):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("场所类型"), max_length=24, choices=KeyPlaceKind.choices)
    address = models.CharField(_("地址"), max_length=200)
    manager_name = models.CharField(_("负责人"), max_length=50, blank=True)
    manager_phone_cipher, manager_phone_index = protected("负责人电话")
    last_inspected_on = models.DateField(_("最近检查日期"), null=True, blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("重点场所")
        verbose_name_plural = _("重点场所")

    def __str__(self) -> str:
        return self.name


class KeyPlaceInspection(GridBound):
    place = models.ForeignKey(
        KeyPlace, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("场所")
    )
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hazards_found = models.BooleanField(_("发现隐患"), default=False)
    findings = models.TextField(_("检查情况"), blank=True)
    rectified = models.BooleanField(_("已整改"), default=False)

    class Meta(GridBound.Meta):
        verbose_name = _("重点场所检查")
        verbose_name_plural = _("重点场所检查")
        ordering = ["-inspected_on", "-id"]


class DisputeKind(models.TextChoices):
    FAMILY = "family", _("婚姻家庭")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    LAND = "land", _("土地山林")
    LABOUR = "labour", _("劳动争议")
    PROPERTY = "property", _("物业纠纷")
    CONTRACT = "contract", _("合同纠纷")
    OTHER = "other", _("其他")


class DisputeStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    MEDIATING = "mediating", _("调解中")
    RESOLVED = "resolved", _("调解成功")
    FAILED = "failed", _("调解不成功")


class Dispute(GridBound):
    title = models.CharField(_("纠纷名称"), max_length=200)
    kind = models.CharField(_("纠纷类型"), max_length=16, choices=DisputeKind.choices)
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("基本情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.REGISTERED
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        indexes = [
            *GridBound.Meta.indexes,
            models.Index(fields=["region_code", "closed_on"], name="dispute_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("当事人身份"), max_length=16, choices=PartyRole.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number_cipher, id_number_index = protected("身份证号")
    phone_cipher, phone_index = protected("联系电话")

    class Meta:
        verbose_name = _("纠纷当事人")
        verbose_name_plural = _("纠纷当事人")
        indexes = [models.Index(fields=["id_number_index"], name="party_id_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class MediationResult(models.TextChoices):
    CONTINUE = "continue", _("继续调解")
    SUCCESS = "success", _("调解成功")
    FAILURE = "failure", _("调解不成功")


class MediationRecord(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="mediations")
    mediated_on = models.DateField(_("调解日期"))
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField(_("调解情况"))
    result = models.CharField(_("调解结果"), max_length=16, choices=MediationResult.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["mediated_on", "id"]

    def __str__(self) -> str:
        return f"{self.mediated_on} {self.get_result_display()}"


class SchoolArea(GridBound):
    school_name = models.CharField(_("学校名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=200)
    students = models.PositiveIntegerField(_("在校学生数"), null=True, blank=True)
    security_contact = models.CharField(_("安保负责人"), max_length=50, blank=True)
    contact_phone_cipher, contact_phone_index = protected("安保负责人电话")
    hazards = models.TextField(_("周边隐患"), blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("校园周边")
        verbose_name_plural = _("校园周边")

    def __str__(self) -> str:
        return self.school_name


class LineKind(models.TextChoices):
    ROAD = "road", _("公路")
    RAILWAY = "railway", _("铁路")
    POWER = "power", _("电力线路")
    PIPELINE = "pipeline", _("油气管道")
    COMMUNICATION = "communication", _("通信线路")


class LineProtection(GridBound):
    name = models.CharField(_("线路名称"), max_length=200)
    kind = models.CharField(_("线路类型"), max_length=16, choices=LineKind.choices)
    section = models.CharField(_("区段"), max_length=200)
    length_km = models.FloatField(_("长度（公里）"), null=True, blank=True)
    responsible_name = models.CharField(_("护线责任人"), max_length=50, blank=True)
    responsible_phone_cipher, responsible_phone_index = protected("责任人电话")
    hazards = models.TextField(_("隐患情况"), blank=True)

    class Meta(GridBound.Meta):
        verbose_name = _("护路护线")
        verbose_name_plural = _("护路护线")

    def __str__(self) -> str:
        return self.name
