"""Word lists for the synthetic town: surnames and villages of 泉港, zones, reasons."""

from __future__ import annotations

import random

# Common surnames of 泉港 with rough weights; a few with uncommon surname readings.
SURNAMES = (
    ["林", "陈", "黄", "郑", "王", "刘", "蔡", "连", "吴", "李", "张", "曾", "庄", "杨", "洪", "许",
     "柯", "苏", "肖", "涂", "骆", "康", "单", "仇", "区", "解"],
    [14, 13, 9, 8, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1],
)
GIVEN_CHARS = (
    "志明建国秀英丽华春花美珍玉兰金水德福荣清海文辉俊杰伟强国平婷芳玲娟静雪梅桂英淑贞宝生"
    "阿琼秀琴振福天赐永安长青家豪子涵雨欣梓轩思远晓东晨阳"
)
VILLAGE_NAMES = [
    "后龙村", "上西村", "峰前村", "许厝村", "土坑村", "东山村", "礁头社区", "前亭村", "坝头村",
    "西沙村", "惠屿村", "后卿村", "南山村", "下朱尾村", "岭头村", "龙山社区",
]
ZONE_WORDS = ["东片", "西片", "南片", "北片", "中片", "后厝", "顶厝", "下厝", "新村", "海边"]
MONITOR_KINDS = ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
REJECT_REASONS = [
    "家庭人均收入高于低保标准", "有赡养人且赡养能力较强", "名下有车辆", "已享受其他救助",
    "家庭财产超过规定", "经入户核实生活无明显困难",
]
BENEFIT_WEIGHTS = (
    ["低保", "低保单人户", "特困分散", "特困集中", "孤儿", "事实无人抚养儿童", "临时救助急难型",
     "临时救助支出型", "低保边缘"],
    [30, 12, 6, 2, 1, 1, 14, 16, 18],
)
FINDINGS = [
    "本人在家，了解家庭收入和医疗支出情况", "家属代为介绍情况，已留联系方式", "已讲解低保申请政策",
    "住房条件较差，需进一步核实收入", "子女在外务工，每月有固定寄款", "长期服药，医疗负担较重",
    "电话无人接听，改日入户", "已收集病历和费用票据", "村干部陪同走访，情况属实",
]
CHECK_FINDINGS = ["台账记录不完整", "走访照片缺失", "收入核算有误", "未按时回访", "未告知申请途径"]
PROBLEM_KINDS = ["漏保", "漏救", "信访未答复", "台账不全", "其他"]


def given_name(rng: random.Random) -> str:
    """One or two given-name characters."""
    n = 1 if rng.random() < 0.25 else 2
    return "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


def village_names(count: int) -> list[str]:
    """The first names from the real-looking list, then numbered ones for big towns."""
    names = list(VILLAGE_NAMES[:count])
    i = 1
    while len(names) < count:
        names.append(f"演示{i}村")
        i += 1
    return names
