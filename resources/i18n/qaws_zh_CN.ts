<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CallDetailsDialog</name>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="21"/>
        <source>Call details — {0}</source>
        <translation>通话信息 — {0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="34"/>
        <source>Time known</source>
        <translation>已知通话时间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="39"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="40"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="41"/>
        <source>Call id</source>
        <translation>通话编号</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/call_details_dialog.py" line="42"/>
        <source>Call type</source>
        <translation>通话类型</translation>
    </message>
</context>
<context>
    <name>CoachingWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="50"/>
        <source>Coaching</source>
        <translation>辅导</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="69"/>
        <source>All dates</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="73"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="75"/>
        <source>Deducted item</source>
        <translation>扣分项</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="79"/>
        <source>All severities</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="86"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="88"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="89"/>
        <source>To</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="90"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="91"/>
        <source>Severity</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="104"/>
        <source>What was agreed about this moment</source>
        <translation>针对此处商定的改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="110"/>
        <source>Note on this moment</source>
        <translation>本处辅导记录</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="113"/>
        <source>Action plan agreed with the agent</source>
        <translation>与坐席商定的改进计划</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="117"/>
        <source>The agent acknowledges this coaching</source>
        <translation>坐席已确认本次辅导</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="118"/>
        <source>Save session</source>
        <translation>保存辅导</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="120"/>
        <source>Export pack for the agent…</source>
        <translation>导出给坐席的辅导材料…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="125"/>
        <source>Action plan</source>
        <translation>改进计划</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="128"/>
        <source>Follow-up</source>
        <translation>跟进日期</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="145"/>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="211"/>
        <source>Follow-up of the last session</source>
        <translation>上次辅导的跟进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="149"/>
        <source>Not yet followed up</source>
        <translation>尚未跟进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="150"/>
        <source>Improved</source>
        <translation>已改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="150"/>
        <source>Partly improved</source>
        <translation>部分改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="151"/>
        <source>Not improved</source>
        <translation>未改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="155"/>
        <source>What the follow-up found</source>
        <translation>跟进结果（复听发现）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="158"/>
        <source>Training to request, if coaching is not enough</source>
        <translation>辅导不足时申请的培训</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="159"/>
        <source>Save follow-up</source>
        <translation>保存跟进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="163"/>
        <source>Outcome</source>
        <translation>辅导效果</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="164"/>
        <source>Result</source>
        <translation>跟进结果</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="165"/>
        <source>Training request</source>
        <translation>培训申请</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="177"/>
        <source>Follow-ups due: {0}</source>
        <translation>到期跟进：{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="213"/>
        <source>Follow-up of the session of {0}</source>
        <translation>{0} 辅导的跟进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="223"/>
        <source>no calls</source>
        <translation>无通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="225"/>
        <source>better</source>
        <translation>有改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="225"/>
        <source>not better</source>
        <translation>未改进</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="226"/>
        <source>{0}: lost on {1} before → {2} after {3}</source>
        <translation>{0}：辅导前扣分 {1} → 辅导后 {2} {3}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="238"/>
        <source>Follow-up saved.</source>
        <translation>跟进已保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="245"/>
        <source>whole call</source>
        <translation>整通电话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="252"/>
        <source>{0} moments</source>
        <translation>{0} 处</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="302"/>
        <source>Session saved.</source>
        <translation>辅导已保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="306"/>
        <source>Export coaching pack</source>
        <translation>导出辅导材料</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/coaching_window.py" line="315"/>
        <source>Pack written to {0}</source>
        <translation>辅导材料已写入 {0}</translation>
    </message>
</context>
<context>
    <name>DisputeDialog</name>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="29"/>
        <source>Dispute an item</source>
        <translation>申诉某一评分项</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="30"/>
        <source>The agent disputes &lt;b&gt;{0}&lt;/b&gt;.</source>
        <translation>坐席对&lt;b&gt;{0}&lt;/b&gt;提出申诉。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="31"/>
        <source>The agent&apos;s reason, in their words</source>
        <translation>坐席的申诉理由（按其原话记录）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="33"/>
        <source>Record dispute</source>
        <translation>记录申诉</translation>
    </message>
</context>
<context>
    <name>Failure</name>
    <message>
        <location filename="../../qaworkstation/ui/tasks.py" line="160"/>
        <source>QA Workstation</source>
        <translation>质检工作台</translation>
    </message>
</context>
<context>
    <name>FirstPaint</name>
    <message>
        <location filename="../../qaworkstation/ui/app.py" line="64"/>
        <source>QA Workstation</source>
        <translation>质检工作台</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/app.py" line="71"/>
        <source>Opening the window…</source>
        <translation>正在打开窗口…</translation>
    </message>
</context>
<context>
    <name>ImportProblems</name>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="20"/>
        <source>no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="21"/>
        <source>file name is not UTF-8</source>
        <translation>文件名不是 UTF-8 编码</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="22"/>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="23"/>
        <source>symbolic link loop</source>
        <translation>符号链接循环</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="24"/>
        <source>broken symbolic link</source>
        <translation>符号链接已失效</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="25"/>
        <source>permission denied</source>
        <translation>没有读取权限</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="26"/>
        <source>read error</source>
        <translation>读取出错</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="27"/>
        <source>empty file</source>
        <translation>空文件</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="28"/>
        <source>too large</source>
        <translation>文件过大</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="29"/>
        <source>not an audio file</source>
        <translation>不是音频文件</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="30"/>
        <source>unsupported format</source>
        <translation>不支持的格式</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="31"/>
        <source>damaged header</source>
        <translation>文件头损坏</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="32"/>
        <source>truncated</source>
        <translation>文件不完整（被截断）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="33"/>
        <source>damaged audio</source>
        <translation>音频已损坏</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="34"/>
        <source>no audio</source>
        <translation>没有音频内容</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="35"/>
        <source>too many channels</source>
        <translation>声道过多</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="36"/>
        <source>impossible sample rate</source>
        <translation>采样率无效</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="37"/>
        <source>decoder crashed</source>
        <translation>解码器崩溃</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="38"/>
        <source>timed out</source>
        <translation>解码超时</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/import_problems.py" line="39"/>
        <source>invalid metadata</source>
        <translation>元数据无效</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="89"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="89"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="89"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="89"/>
        <source>Flags</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="89"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="90"/>
        <source>Scored</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="347"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="352"/>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="352"/>
        <source>Draft — not submitted yet</source>
        <translation>草稿——尚未提交</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="353"/>
        <source>Disputed</source>
        <translation>申诉中</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_model.py" line="353"/>
        <source>Not scored</source>
        <translation>未评分</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="177"/>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="177"/>
        <source>analysed</source>
        <translation>已分析</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="178"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="179"/>
        <source>not scored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="179"/>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="180"/>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="180"/>
        <source>disputed</source>
        <translation>申诉中</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="209"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="209"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="210"/>
        <source>Call type</source>
        <translation>通话类型</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="210"/>
        <source>Review</source>
        <translation>评审</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="211"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="212"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="212"/>
        <source>To</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="337"/>
        <source>{0} calls</source>
        <translation>{0} 通通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="338"/>
        <source>{0}+ calls (counting…)</source>
        <translation>{0}+ 通通话（正在统计…）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="188"/>
        <source>Show all calls</source>
        <translation>显示全部通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="252"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="264"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="320"/>
        <source>Sample of {0} calls</source>
        <translation>抽样 {0} 通</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="73"/>
        <source>QA Workstation</source>
        <translation>质检工作台</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="83"/>
        <source>No audio output — playback runs silently</source>
        <translation>无音频输出设备——静音播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="158"/>
        <location filename="../../qaworkstation/ui/main_window.py" line="441"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="160"/>
        <location filename="../../qaworkstation/ui/main_window.py" line="268"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="174"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="178"/>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="179"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="183"/>
        <source>Sync to shared folder</source>
        <translation>同步到共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="212"/>
        <source>Team shared folder</source>
        <translation>班组共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="180"/>
        <source>Analyse all</source>
        <translation>全部分析</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="115"/>
        <source>Call details…</source>
        <translation>通话信息…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="116"/>
        <source>Agent, team, time and type of this call, for calls imported without metadata</source>
        <translation>为导入时没有元数据的通话填写坐席、班组、时间和类型</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="181"/>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="182"/>
        <source>Sample…</source>
        <translation>抽样…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="184"/>
        <source>Coaching…</source>
        <translation>辅导…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="185"/>
        <source>Team…</source>
        <translation>班组…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="186"/>
        <source>Rules…</source>
        <translation>规则…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="187"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="195"/>
        <source>Confirm the current suggestion</source>
        <translation>确认当前建议</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="196"/>
        <source>Reject the current suggestion (asks for a reason)</source>
        <translation>驳回当前建议（可填写原因）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="197"/>
        <source>Save the scorecard as a draft</source>
        <translation>将评分表保存为草稿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="226"/>
        <source>New analysis settings apply when the queue stops.</source>
        <translation>新的分析设置将在队列停止后生效。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="255"/>
        <source>Import recordings</source>
        <translation>导入录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="256"/>
        <source>Audio (*.wav *.flac *.mp3 *.ogg *.opus);;All files (*)</source>
        <translation>音频 (*.wav *.flac *.mp3 *.ogg *.opus);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="261"/>
        <source>Import a folder of recordings</source>
        <translation>导入录音文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="267"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="268"/>
        <source>Looking for recordings…</source>
        <translation>正在查找录音…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="269"/>
        <source>Importing</source>
        <translation>导入中</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="281"/>
        <source>Checking {0} of {1}: {2}</source>
        <translation>正在检查第 {0}/{1} 个：{2}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="292"/>
        <source>Imported {0}, already in library {1}, failed {2}</source>
        <translation>已导入 {0}，已存在 {1}，失败 {2}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="295"/>
        <source>; stopped before the rest, as asked</source>
        <translation>；已按要求停止，其余未导入</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="297"/>
        <source>; {0} files that are not recordings ignored</source>
        <translation>；已忽略 {0} 个非录音文件</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="301"/>
        <source>Some files could not be imported</source>
        <translation>部分文件无法导入</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="411"/>
        <source>Unsaved changes restored from the draft.</source>
        <translation>已从草稿恢复未保存的修改。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="413"/>
        <source>Saved {0} by {1}.</source>
        <translation>已于 {0} 由 {1} 保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="416"/>
        <source>Not scored yet — the rules&apos; suggestions are pre-filled; confirm or reject each and review every item.</source>
        <translation>尚未评分——已预填规则建议；请逐条确认或驳回，并逐项复核。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="441"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="457"/>
        <source>Paused, {0} calls waiting</source>
        <translation>已暂停，{0} 通待分析</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="463"/>
        <source>, about {0} left</source>
        <translation>，约剩 {0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="464"/>
        <source>Analysed {0} of {1}{2} {3}</source>
        <translation>已分析 {0}/{1}{2} {3}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="468"/>
        <source>Connecting to the Dask scheduler at {0}…</source>
        <translation>正在连接 Dask 调度器 {0}…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="469"/>
        <source>Starting {0} worker processes and loading the model in each…</source>
        <translation>正在启动 {0} 个工作进程并在每个进程中加载模型…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="475"/>
        <source>&lt;a href=&quot;{0}&quot;&gt;Dask dashboard&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;{0}&quot;&gt;Dask 监控面板&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="494"/>
        <source>Could not analyse {0}: {1}</source>
        <translation>无法分析 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="496"/>
        <source>Analysis stopped: {0}. The calls stay queued.</source>
        <translation>分析已停止：{0}。通话仍在队列中。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="576"/>
        <source>Editing — draft kept automatically.</source>
        <translation>编辑中——草稿已自动保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="601"/>
        <source>Evaluation saved: {0} / {1}</source>
        <translation>评分已保存：{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="651"/>
        <source>Reject suggestion</source>
        <translation>驳回建议</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="652"/>
        <source>Why is this suggestion wrong? (optional — it helps fix the rule)</source>
        <translation>这条建议错在哪里？（可不填——有助于改进规则）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="678"/>
        <source>Accept remaining items</source>
        <translation>接受其余细则</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="679"/>
        <source>Accept {0} items at the scores shown without reviewing them one by one?

The evaluation and the audit log will say they were accepted, not judged.</source>
        <translation>不逐项复核，按当前分数接受其余 {0} 项细则？

评分记录和审计日志将注明这些细则是“接受”而非逐项评判的。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="699"/>
        <source>
… and {0} more</source>
        <translation>
……另有 {0} 项</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="701"/>
        <source>Items not reviewed yet</source>
        <translation>尚有细则未复核</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="702"/>
        <source>Submit needs every item judged. Not reviewed yet:
{0}{1}

Score each, mark it N/A or reviewed, or use “Accept remaining”.</source>
        <translation>提交前须评判每一项细则。尚未复核：
{0}{1}

请逐项打分、标记为不适用或已复核，或使用“接受其余”。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="724"/>
        <source>{0} · version {1}</source>
        <translation>{0} · 第 {1} 版</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="726"/>
        <source>Saving starts version {0}.</source>
        <translation>保存将生成第 {0} 版。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="752"/>
        <source>Version {0} ({1}), saved {2} — read-only. Choose the latest version to edit.</source>
        <translation>第 {0} 版（{1}），保存于 {2}——只读。选择最新版本才能编辑。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="783"/>
        <source>Dispute recorded.</source>
        <translation>申诉已记录。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="796"/>
        <source>Ruling recorded.</source>
        <translation>裁定已记录。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="845"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="911"/>
        <source>Calibration: {0} call(s) to score</source>
        <translation>校准：{0} 通待评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="912"/>
        <source>Assigned to you on the shared folder: {0}</source>
        <translation>共享文件夹中分配给您的：{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="922"/>
        <source>Sync failed — nothing was lost locally.</source>
        <translation>同步失败——本地数据未丢失。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="923"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="929"/>
        <source>Sync is not set up: choose the team&apos;s shared folder and your inspector id in Settings.</source>
        <translation>尚未设置同步：请在“设置”中选择班组共享文件夹并填写质检员工号。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="931"/>
        <source>The shared folder was not found: check that the share is connected.</source>
        <translation>找不到共享文件夹：请检查网络共享是否已连接。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="932"/>
        <source>No permission to write to the shared folder (or one of its files is open in another program).</source>
        <translation>没有写入共享文件夹的权限（或其中的文件正被其他程序打开）。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="934"/>
        <source>The disk of the shared folder is full.</source>
        <translation>共享文件夹所在磁盘已满。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="935"/>
        <source>The team encryption key on this computer cannot be used.</source>
        <translation>本机的班组加密密钥无法使用。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="936"/>
        <source>This library&apos;s audit log does not continue what the shared folder recorded at the last sync (entries removed, or another library): nothing was sent.</source>
        <translation>本库的审计日志没有接续共享文件夹上次同步时的记录（条目被删除，或这是另一个库）：没有发送任何内容。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="939"/>
        <source>The shared folder could not be written.</source>
        <translation>无法写入共享文件夹。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="940"/>
        <source>Nothing was lost on this computer.</source>
        <translation>本机数据没有任何丢失。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="946"/>
        <source>Synced {0} evaluations to {1} ({2} new or changed).</source>
        <translation>已同步 {0} 条评分到 {1}（新增或修改 {2} 条）。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="949"/>
        <source>Shared folder already up to date: {0} evaluations.</source>
        <translation>共享文件夹已是最新：共 {0} 条评分。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="951"/>
        <source>{0} drafts stay on this computer until submitted.</source>
        <translation>{0} 份草稿在提交前只保存在本机。</translation>
    </message>
</context>
<context>
    <name>PlayerPanel</name>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="111"/>
        <location filename="../../qaworkstation/ui/player_panel.py" line="370"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="122"/>
        <source>Both speakers</source>
        <translation>双方</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="122"/>
        <source>Agent only</source>
        <translation>仅坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="122"/>
        <source>Customer only</source>
        <translation>仅客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="126"/>
        <source>Lead-in: how much before a flag N, P or a marker click starts</source>
        <translation>提前量：N、P 或点击标记时从标记前多少秒开始播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="130"/>
        <source>Audio output device</source>
        <translation>音频输出设备</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="131"/>
        <source>Skip silence</source>
        <translation>跳过静音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="133"/>
        <source>Jump over pauses longer than 1.5 s where neither side speaks</source>
        <translation>跳过双方都不说话且超过 1.5 秒的停顿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="140"/>
        <source>Keyboard shortcuts (?)</source>
        <translation>键盘快捷键（?）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="95"/>
        <source>Lead-in</source>
        <translation>提前量</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="102"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="144"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="162"/>
        <source>Play / pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="163"/>
        <source>Back 5 s</source>
        <translation>后退 5 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="164"/>
        <source>Forward 5 s</source>
        <translation>前进 5 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="165"/>
        <source>Back 1 s</source>
        <translation>后退 1 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="166"/>
        <source>Forward 1 s</source>
        <translation>前进 1 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="167"/>
        <source>Next flag (plays from the lead-in)</source>
        <translation>下一个标记（从提前量处播放）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="168"/>
        <source>Previous flag</source>
        <translation>上一个标记</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="169"/>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="170"/>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="171"/>
        <source>Start of the call</source>
        <translation>通话开头</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="172"/>
        <source>End of the call</source>
        <translation>通话结尾</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="173"/>
        <source>Clear the loop region</source>
        <translation>取消循环区间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="174"/>
        <source>Show or hide this list</source>
        <translation>显示或隐藏此列表</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="369"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="374"/>
        <source>Loop {0}–{1} (Esc clears)</source>
        <translation>循环 {0}–{1}（Esc 取消）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="376"/>
        <source>Shift+drag on the waveform to loop a region · ? for keys</source>
        <translation>在波形上 Shift+拖动可循环播放一段 · 按 ? 查看快捷键</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="55"/>
        <source>Rule on a dispute</source>
        <translation>裁定申诉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="56"/>
        <source>Dispute of &lt;b&gt;{0}&lt;/b&gt;, recorded by {1}:</source>
        <translation>对&lt;b&gt;{0}&lt;/b&gt;的申诉，由 {1} 记录：</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="61"/>
        <source>Upheld — the agent is right</source>
        <translation>申诉成立——坐席有理</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="62"/>
        <source>Rejected — the score stands</source>
        <translation>驳回——维持原评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="68"/>
        <source>Why — this is what the agent will read</source>
        <translation>裁定理由——坐席将看到这段说明</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="69"/>
        <source>An upheld item is corrected by changing its score and submitting a new version.</source>
        <translation>申诉成立的评分项，请修改分数并提交新版本予以更正。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/dispute_dialog.py" line="74"/>
        <source>Record ruling</source>
        <translation>记录裁定</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="38"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="38"/>
        <source>Coach</source>
        <translation>辅导员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="39"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="39"/>
        <source>Trainee (desensitised data)</source>
        <translation>新员工（仅看脱敏数据）</translation>
    </message>
</context>
<context>
    <name>RuleWorkbench</name>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="61"/>
        <source>Rule workbench</source>
        <translation>规则工作台</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="70"/>
        <source>Exact: as written</source>
        <translation>严格：与原文一致</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="70"/>
        <source>Normal: by pronunciation</source>
        <translation>标准：按读音匹配</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="71"/>
        <source>Loose: by pronunciation, more slack</source>
        <translation>宽松：按读音匹配，容差更大</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="76"/>
        <source>One phrase per line</source>
        <translation>每行一个短语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="82"/>
        <source>Rubric</source>
        <translation>评分标准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="83"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="84"/>
        <source>Strictness</source>
        <translation>匹配严格度</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="88"/>
        <source>Phrases</source>
        <translation>短语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="93"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="93"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="93"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="94"/>
        <source>Heard</source>
        <translation>识别文本</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="94"/>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="94"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="95"/>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="95"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="95"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="113"/>
        <source>Hits</source>
        <translation>命中</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="113"/>
        <source>Confirmed</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="113"/>
        <source>Rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="114"/>
        <source>Not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="114"/>
        <source>Precision</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="119"/>
        <source>Precision: confirmed hits over hits given a verdict, from the inspectors&apos; verdicts in this library</source>
        <translation>准确率：确认的命中数 ÷ 已判定的命中数，依据本库中质检员的判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="174"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="174"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="177"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="189"/>
        <source>{0} hits in {1} calls.</source>
        <translation>{1} 通电话中命中 {0} 次。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="193"/>
        <source>not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="194"/>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="194"/>
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/rule_workbench.py" line="167"/>
        <source>Searching the library…</source>
        <translation>正在检索录音库…</translation>
    </message>
</context>
<context>
    <name>SamplingDialog</name>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="28"/>
        <source>Sample calls</source>
        <translation>抽样</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="30"/>
        <source>Random share</source>
        <translation>随机抽取</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="30"/>
        <source>Same share from every agent</source>
        <translation>每名坐席按同比例抽取</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="31"/>
        <source>Same share from every team</source>
        <translation>每个班组按同比例抽取</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="32"/>
        <source>Targeted: agents or a keyword</source>
        <translation>定向：指定坐席或关键词</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="33"/>
        <source>Coverage plan: daily share per team, weekly share of agents</source>
        <translation>覆盖计划：每组每日抽检比例、每周坐席覆盖比例</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="34"/>
        <source>A kept coverage draw</source>
        <translation>已保存的覆盖抽样</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="43"/>
        <source>agent ids, comma separated (e.g. new agents)</source>
        <translation>坐席工号，用逗号分隔（如新员工）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="45"/>
        <source>a product or word heard in the call</source>
        <translation>通话中出现的产品或词语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="52"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="53"/>
        <source>Calls one inspector hears in a day; the draw says when a day&apos;s quota is more</source>
        <translation>每位质检员每天可监听的通话量；某天的配额超过时会提示</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="65"/>
        <source>Mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="66"/>
        <source>Share</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="67"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="68"/>
        <source>Agents</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="69"/>
        <source>Keyword</source>
        <translation>关键词</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="70"/>
        <source>Agents covered per week</source>
        <translation>每周坐席覆盖率</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="71"/>
        <source>Calls per inspector a day</source>
        <translation>每位质检员每日监听量</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="72"/>
        <source>Calls from</source>
        <translation>通话起始日期</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="73"/>
        <source>Calls to</source>
        <translation>通话截止日期</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="74"/>
        <source>Kept draw</source>
        <translation>已保存的抽样</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="98"/>
        <source>No coverage draw kept yet.</source>
        <translation>尚无已保存的覆盖抽样。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="103"/>
        <source>Drawn {0} · scored {1} · remaining {2}</source>
        <translation>已抽取 {0} · 已评分 {1} · 剩余 {2}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/sampling_dialog.py" line="106"/>
        <source>The busiest day draws {0} calls, more than the inspectors&apos; {1} a day.</source>
        <translation>最多的一天抽取了 {0} 通，超过质检员每日可监听的 {1} 通。</translation>
    </message>
</context>
<context>
    <name>ScorecardView</name>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="37"/>
        <source>Greeting</source>
        <translation>开头语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="37"/>
        <source>Closing</source>
        <translation>结束语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="38"/>
        <source>Apology</source>
        <translation>致歉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="39"/>
        <source>Forbidden phrase</source>
        <translation>服务禁语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="40"/>
        <source>Insult</source>
        <translation>侮辱</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="40"/>
        <source>Filler word</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="41"/>
        <source>Long silence</source>
        <translation>长时间静音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="41"/>
        <source>Dead air</source>
        <translation>开场无声</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="42"/>
        <source>Talk-over</source>
        <translation>抢话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="43"/>
        <source>Speech rate</source>
        <translation>语速</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="44"/>
        <source>Talk ratio</source>
        <translation>说话占比</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="44"/>
        <source>Loudness</source>
        <translation>音量突增</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="45"/>
        <source>Order of steps</source>
        <translation>流程顺序</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="46"/>
        <source>您 or 你? Check by ear</source>
        <translation>“您”还是“你”？请听音判断</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/format.py" line="47"/>
        <source>Angry caller</source>
        <translation>客户情绪激动</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="45"/>
        <source>{0}: “{1}” missing</source>
        <translation>{0}：缺少“{1}”</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="48"/>
        <source>{0} missing</source>
        <translation>缺少{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="49"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="49"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="50"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="60"/>
        <source>pending</source>
        <translation>待判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="62"/>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="64"/>
        <source>rejected: {0}</source>
        <translation>已驳回：{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="70"/>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="70"/>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="71"/>
        <source>Disputed</source>
        <translation>申诉中</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="71"/>
        <source>Resolved</source>
        <translation>已裁定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="72"/>
        <source>Final</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="79"/>
        <source>Disputed by {0}: “{1}”</source>
        <translation>{0} 记录申诉：“{1}”</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="81"/>
        <source> — awaiting a ruling</source>
        <translation>——待裁定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="82"/>
        <source>upheld</source>
        <translation>申诉成立</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="125"/>
        <source>judged by hand</source>
        <translation>人工判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="219"/>
        <source>Reviewed — click to set it pending again</source>
        <translation>已复核——点击改回待复核</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="220"/>
        <source>Pending — click when the score stands as judged (pending items block Submit)</source>
        <translation>待复核——确认分数无误后点击（有待复核细则时不能提交）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="261"/>
        <source>✓ Confirm</source>
        <translation>✓ 确认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="261"/>
        <source>✗ Reject</source>
        <translation>✗ 驳回</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="264"/>
        <source>undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="667"/>
        <source>Not saved yet</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="758"/>
        <source>Reviewed {0} of {1} items · heard {2}% of the call · {3} of {4} flags heard</source>
        <translation>已复核 {0}/{1} 项 · 已听通话 {2}% · 已听问题点 {3}/{4}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="761"/>
        <source>Accept remaining ({0})…</source>
        <translation>接受其余（{0}）…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="65"/>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="82"/>
        <source>rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="83"/>
        <source> — {0} by {1}: “{2}”</source>
        <translation>——{1} 裁定{0}：“{2}”</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="141"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="147"/>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="285"/>
        <source>Dispute…</source>
        <translation>申诉…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="286"/>
        <source>Resolve…</source>
        <translation>裁定…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="391"/>
        <source>Call type: items of the handbook&apos;s flow that do not apply to it are N/A and the total is re-normalised over the rest</source>
        <translation>通话类型：标准流程中不适用于该类型的细则记为不适用，总分按其余细则重新折算</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="398"/>
        <source>Call type</source>
        <translation>通话类型</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="403"/>
        <source>Review every pending item at the score shown; recorded on the evaluation and in the audit log as accepted without review</source>
        <translation>按当前分数复核所有待复核细则；评分记录和审计日志将记为“未逐项复核而接受”</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="417"/>
        <source>Overall comment for the agent</source>
        <translation>给坐席的总体评语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="429"/>
        <source>Save draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="430"/>
        <source>Keep these scores as a draft version that can still change; Submit releases it</source>
        <translation>将评分保存为仍可修改的草稿版本；点击“提交”才正式发布</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="434"/>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="435"/>
        <source>Release this version to the team and the agent; it can no longer be changed, only followed by a new version</source>
        <translation>向班组和坐席发布此版本；发布后不可再改，只能提交新版本</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="439"/>
        <source>Version history: older versions open read-only</source>
        <translation>版本历史：旧版本以只读方式打开</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="486"/>
        <source>pass mark {0}%</source>
        <translation>合格线 {0}%</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="520"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="662"/>
        <source>Version {0} · {1}</source>
        <translation>第 {0} 版 · {1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="742"/>
        <source>FAIL — critical item</source>
        <translation>不合格——一票否决</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="744"/>
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="746"/>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
</context>
<context>
    <name>SearchWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="81"/>
        <source>Search transcripts</source>
        <translation>搜索转写文本</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="84"/>
        <source>Word or phrase said in a call, e.g. 退款 or refund</source>
        <translation>通话中说过的词或短语，例如 退款 或 refund</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="89"/>
        <location filename="../../qaworkstation/ui/search_window.py" line="163"/>
        <source>agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="89"/>
        <location filename="../../qaworkstation/ui/search_window.py" line="163"/>
        <source>customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="96"/>
        <location filename="../../qaworkstation/ui/search_window.py" line="116"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="96"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="97"/>
        <source>Call type</source>
        <translation>通话类型</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="97"/>
        <location filename="../../qaworkstation/ui/search_window.py" line="116"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="108"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="116"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="116"/>
        <source>At</source>
        <translation>时刻</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="117"/>
        <source>What was said</source>
        <translation>所说内容</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="152"/>
        <source>Type a word or phrase: letters or digits, not only punctuation.</source>
        <translation>请输入词或短语：需含文字或数字，不能只有标点。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="154"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="165"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="176"/>
        <source>“{1}”: {0} found, best first. Enter or double-click opens the call there.</source>
        <translation>“{1}”：找到 {0} 处，最相关的在前。按回车或双击即可打开通话并跳到该处。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/search_window.py" line="179"/>
        <source>Nothing found for “{0}”.</source>
        <translation>未找到“{0}”。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="52"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="57"/>
        <source>The role of this inspector id on this workstation</source>
        <translation>此质检员工号在本工作站上的角色</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="58"/>
        <source>Only a supervisor can change roles</source>
        <translation>只有主管可以更改角色</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="61"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="68"/>
        <source>Offline multilingual base (Mandarin + English)</source>
        <translation>离线多语种 base 模型（普通话+英文）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="69"/>
        <source>Offline English-only tiny.en</source>
        <translation>离线英文模型 tiny.en</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="71"/>
        <source>Model folder…</source>
        <translation>模型文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="80"/>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="81"/>
        <source>Detect per channel</source>
        <translation>按声道自动识别</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="83"/>
        <source>Simplified</source>
        <translation>简体</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="83"/>
        <source>Traditional</source>
        <translation>繁体</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="84"/>
        <source>As recognised</source>
        <translation>保持识别原样</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="88"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="90"/>
        <source>Inspector id</source>
        <translation>质检员工号</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="91"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="92"/>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="219"/>
        <source>Team shared folder</source>
        <translation>班组共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="93"/>
        <source>Transcription</source>
        <translation>语音转写</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="95"/>
        <source>Speech model</source>
        <translation>语音模型</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="96"/>
        <source>Compute type</source>
        <translation>计算精度</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="97"/>
        <source>Channels decoded at once</source>
        <translation>同时转写的声道数</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="98"/>
        <source>Threads per channel</source>
        <translation>每声道线程数</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="99"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="100"/>
        <source>Chinese script</source>
        <translation>中文字形</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="117"/>
        <source>This computer, in the app</source>
        <translation>本机（应用内）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="118"/>
        <source>Worker processes on this computer (Dask)</source>
        <translation>本机的多个工作进程（Dask）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="119"/>
        <source>A Dask cluster</source>
        <translation>Dask 集群</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="123"/>
        <source>auto, 0 (no limit) or a size such as 6GB</source>
        <translation>auto、0（不限）或容量，如 6GB</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="126"/>
        <source>Sent from this computer</source>
        <translation>由本机发送</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="127"/>
        <source>Read from a shared folder</source>
        <translation>从共享文件夹读取</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="130"/>
        <source>/srv/calls=/mnt/calls; …</source>
        <translation>/srv/calls=/mnt/calls; …</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="131"/>
        <source>This computer&apos;s folder = the same folder as the workers see it</source>
        <translation>本机文件夹 = 工作节点看到的同一文件夹路径</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="132"/>
        <source>Where calls are analysed</source>
        <translation>通话分析在哪里运行</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="134"/>
        <source>Run on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="135"/>
        <source>Worker processes</source>
        <translation>工作进程数</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="136"/>
        <source>Threads per worker</source>
        <translation>每进程线程数</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="137"/>
        <source>Memory limit per worker</source>
        <translation>每进程内存上限</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="138"/>
        <source>Scheduler address</source>
        <translation>调度器地址</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="139"/>
        <source>Workers get the audio</source>
        <translation>工作节点获取音频方式</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="140"/>
        <source>Path mapping</source>
        <translation>路径映射</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="149"/>
        <source>Encryption</source>
        <translation>加密</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="151"/>
        <source>Library</source>
        <translation>本机质检库</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="152"/>
        <source>not encrypted (switch on with: qaws encrypt)</source>
        <translation>未加密（开启方法：qaws encrypt）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="153"/>
        <source>Shared folder journals</source>
        <translation>共享文件夹中的评分记录</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="154"/>
        <source>not encrypted (team key: qaws key set-team)</source>
        <translation>未加密（设置班组密钥：qaws key set-team）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="157"/>
        <source>encrypted, key {0}</source>
        <translation>已加密，密钥 {0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="181"/>
        <source>Memory limit per worker: auto, 0 (no limit) or a size such as 6GB</source>
        <translation>每进程内存上限：填写 auto、0（不限）或容量，如 6GB</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="186"/>
        <source>Scheduler address: expected tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786</source>
        <translation>调度器地址：应为 tcp://主机:端口，例如 tcp://10.0.0.5:8786</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="189"/>
        <source>Path mapping: where the workers see this computer&apos;s call folder, as LOCAL=REMOTE, e.g. /srv/calls=/mnt/calls</source>
        <translation>路径映射：工作节点看到的本机录音文件夹路径，格式为 本机路径=远程路径，例如 /srv/calls=/mnt/calls</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="224"/>
        <source>Folder with a CTranslate2 Whisper model</source>
        <translation>CTranslate2 Whisper 模型所在文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/settings_dialog.py" line="254"/>
        <source>The shared folder {0} does not exist or is not reachable: check that the share is connected, or choose it with Browse…</source>
        <translation>共享文件夹 {0} 不存在或无法访问：请检查共享是否已连接，或点击“浏览…”重新选择</translation>
    </message>
</context>
<context>
    <name>ShortcutsHelp</name>
    <message>
        <location filename="../../qaworkstation/ui/shortcuts_help.py" line="34"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/shortcuts_help.py" line="35"/>
        <source>Press any key to close</source>
        <translation>按任意键关闭</translation>
    </message>
</context>
<context>
    <name>TeamWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="45"/>
        <source>Team quality</source>
        <translation>班组质量</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="48"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="50"/>
        <source>Merge from shared folder</source>
        <translation>从共享文件夹汇总</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="57"/>
        <source>Shared folder</source>
        <translation>共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="62"/>
        <source>Quality report</source>
        <translation>质量报表</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="63"/>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="81"/>
        <source>{0} evaluations in the team database. Choose the team&apos;s shared folder and merge to add the latest.</source>
        <translation>团队数据库中有 {0} 条评分。选择团队的共享文件夹并合并，即可加入最新数据。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="104"/>
        <source>none: the participants&apos; consensus</source>
        <translation>无：以参与者的多数意见为准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="129"/>
        <source>Team shared folder</source>
        <translation>班组共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="135"/>
        <source>Merging…</source>
        <translation>正在汇总…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="142"/>
        <source>{0} evaluations in the team database; {1} new, {2} updated.</source>
        <translation>班组库共 {0} 条评分；新增 {1}，更新 {2}。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="172"/>
        <source>Build report</source>
        <translation>生成报表</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="176"/>
        <source>Period</source>
        <translation>周期</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="183"/>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="183"/>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="184"/>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="184"/>
        <source>Excel…</source>
        <translation>Excel…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="217"/>
        <source>Building the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="240"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="244"/>
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="249"/>
        <source>Folder for the charts</source>
        <translation>图表保存位置</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="254"/>
        <source>Folder for the tables</source>
        <translation>表格保存位置</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="259"/>
        <source>Export Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="158"/>
        <source>The months with scores are listed; type 2026-W45 for a week or 2026-11-03 for a day</source>
        <translation>列出的是有评分的月份；输入 2026-W45 表示一周，输入 2026-11-03 表示一天</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="270"/>
        <source>A call already scored by someone on the team</source>
        <translation>团队中已有人评过分的通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="273"/>
        <source>Tick the inspectors who score the call</source>
        <translation>勾选为该通话评分的质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="276"/>
        <source>Whose scorecard is the reference; without one, the participants&apos; consensus is</source>
        <translation>以谁的评分为基准；不选则以参与者的多数意见为基准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="281"/>
        <source>Create session</source>
        <translation>创建校准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="284"/>
        <source>Call id</source>
        <translation>通话编号</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="285"/>
        <source>Rubric</source>
        <translation>评分标准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="286"/>
        <source>Inspectors</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="287"/>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="320"/>
        <source>Choose a scored call and tick at least one inspector.</source>
        <translation>请选择一通已评分的通话，并至少勾选一名质检员。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="351"/>
        <source>Reference ({0}): {1:g} points, {2}. Pass/fail agreement: {3}. Not scored yet: {4}</source>
        <translation>基准（{0}）：{1:g} 分，{2}。合格判定一致率：{3}。尚未评分：{4}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="354"/>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="354"/>
        <source>fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="356"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="356"/>
        <source>Total</source>
        <translation>总分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="356"/>
        <source>Deviation</source>
        <translation>偏差</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="357"/>
        <source>Items off</source>
        <translation>偏离项</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="357"/>
        <source>Same verdict</source>
        <translation>判定一致</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="361"/>
        <source>Item</source>
        <translation>评分项</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="361"/>
        <source>Reference</source>
        <translation>基准</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="361"/>
        <source>Spread</source>
        <translation>极差</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="362"/>
        <source>Within tolerance</source>
        <translation>容差内比例</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="166"/>
        <source>Call list (optional)</source>
        <translation>通话清单（可选）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="167"/>
        <source>The recording system&apos;s list of every call handled (CSV: file, agent, team, call_id, call_time, caller), for the coverage rate and repeat calls</source>
        <translation>录音系统导出的全部受理通话清单（CSV：file、agent、team、call_id、call_time、caller），用于覆盖率和重复来电统计</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="170"/>
        <source>Call list…</source>
        <translation>通话清单…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/team_window.py" line="221"/>
        <source>Call list</source>
        <translation>通话清单</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="37"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="37"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="202"/>
        <source>No transcript yet.</source>
        <translation>尚无转写文本。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="220"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
</context>
<context>
    <name>WaveformView</name>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="268"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="350"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="268"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="350"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="268"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="271"/>
        <source>Heard with {0}% confidence: listen before judging</source>
        <translation>识别置信度 {0}%：请先听音再判定</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="353"/>
        <source>No recording loaded</source>
        <translation>未打开录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="348"/>
        <source>Mono</source>
        <translation>单声道</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="347"/>
        <source>Mono · agent and customer told apart by voice</source>
        <translation>单声道 · 按声音区分坐席与客户</translation>
    </message>
</context>
</TS>
