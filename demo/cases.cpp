#include "demo/cases.hpp"

#include <cmath>
#include <string_view>

namespace gridkeeper::demo {

namespace {

// A kind of case as the demo draws it: category, how often, how urgent, what it says.
struct Kind {
  const char* category;
  double weight;
  double orange, red;  // shares of the urgencies
  const char* titles;  // space-separated
};
constexpr Kind kKinds[] = {
    {"environment", 20, 0.18, 0.03,
     "垃圾堆放未清运 小区垃圾桶满溢 道路积水发臭 绿化带杂物堆积 河道漂浮垃圾 建筑垃圾乱倒 公厕卫生脏乱 餐饮油烟扰民"},
    {"public_service", 16, 0.20, 0.03,
     "路灯不亮 申请居家养老服务 低保申请咨询 小区停水 公交站牌损坏 小区电梯故障 医保办理咨询 老旧小区加装电梯"},
    {"safety_hazard", 12, 0.32, 0.14,
     "电动车楼道充电 燃气管道老化 广告牌松动 井盖缺失 危房墙体开裂 工地围挡倾斜 高空坠物隐患 边坡滑塌隐患"},
    {"dispute", 10, 0.22, 0.05,
     "邻里漏水纠纷 装修噪音纠纷 停车位纠纷 物业费纠纷 土地边界纠纷 家庭矛盾调解 租赁合同纠纷"},
    {"illegal_construction", 8, 0.20, 0.03,
     "楼顶违章搭建 私自扩建阳台 占用绿地搭建棚屋 沿街违规搭建雨棚 宅基地违规加层"},
    {"municipal_facilities", 8, 0.20, 0.05,
     "人行道破损 雨水篦子堵塞 交通信号灯故障 道路护栏损坏 道路坑洼 消防通道标线不清"},
    {"other", 7, 0.12, 0.02, "流浪犬扰民 占道经营 夜间噪音扰民 共享单车乱停放 小广告乱张贴"},
    {"fire_safety", 5, 0.35, 0.18, "消火栓损坏 灭火器过期 三合一场所住人 电线私拉乱接 楼道堆放易燃物 堵塞消防通道"},
    {"special_groups", 5, 0.15, 0.03, "独居老人走访 残疾人帮扶需求 留守儿童关爱 困难家庭救助 社区矫正人员走访"},
    {"petition", 4, 0.30, 0.05, "拆迁补偿诉求 工资拖欠投诉 征地补偿诉求 物业管理投诉 学位分配诉求"},
    {"epidemic", 3, 0.25, 0.08,
     "登革热蚊媒孳生点清理 流感聚集性病例报告 重点人员健康随访 疫苗接种宣传 犬只狂犬疫苗接种"},
    {"drill", 0.4, 0.30, 0.20, "防台风转移演练 消防疏散演练 防汛应急演练 地震疏散演练"},
};

struct Source {
  const char* id;
  double weight;
  const char* lead;  // how the description opens
};
constexpr Source kSources[] = {
    {"hotline", 35, "12345热线来电反映："},     {"patrol", 30, "网格员巡查发现："}, {"app", 20, "居民通过i厦门上报："},
    {"wechat", 10, "居民通过社区微信群反映："}, {"operator", 5, "指挥中心受理："},
};

}  // namespace

dispatch::IntakeRequest DemoCaseWriter::write(geo::Point at, const std::string& place) {
  using dispatch::Urgency;
  std::vector<double> weights;
  for (const auto& k : kKinds) weights.push_back(k.weight);
  std::size_t k = random_.weighted(weights);
  if (drill_share_ >= 0) {
    // The drill is the last kind; the others keep their proportions.
    weights.back() = 0;
    k = random_.chance(drill_share_) ? std::size(kKinds) - 1 : random_.weighted(weights);
  }
  const auto& kind = kKinds[k];
  std::vector<double> source_weights;
  for (const auto& s : kSources) source_weights.push_back(s.weight);
  const auto& source = kSources[random_.weighted(source_weights)];
  dispatch::IntakeRequest r;
  r.lon = at.lon;
  r.lat = at.lat;
  r.category = kind.category;
  const double u = random_.uniform();
  r.urgency = u < kind.red ? Urgency::red : u < kind.red + kind.orange ? Urgency::orange : Urgency::yellow;
  r.title = random_.pick(words(kind.titles));
  r.address = place + road_name(random_) + std::to_string(1 + random_.below(300)) + "号";
  r.description = std::string(source.lead) + r.title + "，地点：" + r.address + "，请及时处置。";
  r.source = source.id;
  if (std::string_view(source.id) != "patrol") {
    r.reporter.name = person_name(random_).substr(0, 3) + (random_.chance(0.5) ? "先生" : "女士");  // the surname
    r.reporter.phone = "138" + std::to_string(10000000 + random_.below(90000000));
  }
  return r;
}

}  // namespace gridkeeper::demo
