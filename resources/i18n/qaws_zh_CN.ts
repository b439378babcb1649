<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="25"/>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="25"/>
        <source>analysed</source>
        <translation>已分析</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="26"/>
        <location filename="../../qaworkstation/ui/library_view.py" line="103"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="31"/>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="32"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="33"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="34"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="35"/>
        <source>To</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Flags</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="38"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="38"/>
        <source>Scored</source>
        <translation>已评</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="57"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="65"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="63"/>
        <location filename="../../qaworkstation/ui/main_window.py" line="374"/>
        <source>QA Workstation</source>
        <translation>质检工作台</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="70"/>
        <source>No audio output — playback runs silently</source>
        <translation>无音频输出设备——静音播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="110"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="118"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="122"/>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="123"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="124"/>
        <source>Analyse call</source>
        <translation>分析通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="125"/>
        <source>Sync to shared folder</source>
        <translation>同步到共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="126"/>
        <source>Shared folder…</source>
        <translation>共享文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="127"/>
        <source>Inspector…</source>
        <translation>质检员…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="149"/>
        <source>Team shared folder</source>
        <translation>班组共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="154"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="154"/>
        <source>Your inspector id:</source>
        <translation>您的质检员工号：</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="183"/>
        <source>Import recordings</source>
        <translation>导入录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="184"/>
        <source>Audio (*.wav *.flac *.mp3 *.ogg *.opus);;All files (*)</source>
        <translation>音频 (*.wav *.flac *.mp3 *.ogg *.opus);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="189"/>
        <source>Import a folder of recordings</source>
        <translation>导入录音文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="194"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="198"/>
        <source>Imported {0}, already in library {1}, failed {2}</source>
        <translation>已导入 {0}，已存在 {1}，失败 {2}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="203"/>
        <source>Some files could not be imported</source>
        <translation>部分文件无法导入</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="251"/>
        <source>Unsaved changes restored from the draft.</source>
        <translation>已从草稿恢复未保存的修改。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="253"/>
        <source>Saved {0} by {1}.</source>
        <translation>已于 {0} 由 {1} 保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="256"/>
        <source>Not scored yet — suggestions from the rules are pre-filled.</source>
        <translation>尚未评分——已按规则预填建议扣分。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="268"/>
        <source>Transcribing {0}…</source>
        <translation>正在转写 {0}…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="293"/>
        <source>Analysis finished.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="300"/>
        <source>Transcription stopped: {0}</source>
        <translation>转写已停止：{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="300"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="319"/>
        <source>Editing — draft kept automatically.</source>
        <translation>编辑中——草稿已自动保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="344"/>
        <source>Evaluation saved: {0} / {1}</source>
        <translation>评分已保存：{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="367"/>
        <source>Sync failed — nothing was lost locally.</source>
        <translation>同步失败——本地数据未丢失。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="368"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
</context>
<context>
    <name>PlayerPanel</name>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="87"/>
        <location filename="../../qaworkstation/ui/player_panel.py" line="323"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="98"/>
        <source>Both speakers</source>
        <translation>双方</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="98"/>
        <source>Agent only</source>
        <translation>仅坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="98"/>
        <source>Customer only</source>
        <translation>仅客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="102"/>
        <source>Lead-in: how much before a flag N, P or a marker click starts</source>
        <translation>提前量：N、P 或点击标记时从标记前多少秒开始播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="106"/>
        <source>Audio output device</source>
        <translation>音频输出设备</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="111"/>
        <source>Keyboard shortcuts (?)</source>
        <translation>键盘快捷键（?）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="115"/>
        <source>Lead-in</source>
        <translation>提前量</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="125"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="143"/>
        <source>Play / pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="144"/>
        <source>Back 5 s</source>
        <translation>后退 5 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="145"/>
        <source>Forward 5 s</source>
        <translation>前进 5 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="146"/>
        <source>Back 1 s</source>
        <translation>后退 1 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="147"/>
        <source>Forward 1 s</source>
        <translation>前进 1 秒</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="148"/>
        <source>Next flag (plays from the lead-in)</source>
        <translation>下一个标记（从提前量处播放）</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="149"/>
        <source>Previous flag</source>
        <translation>上一个标记</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="150"/>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="151"/>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="152"/>
        <source>Start of the call</source>
        <translation>通话开头</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="153"/>
        <source>End of the call</source>
        <translation>通话结尾</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="154"/>
        <source>Clear the loop region</source>
        <translation>取消循环区间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="155"/>
        <source>Show or hide this list</source>
        <translation>显示或隐藏此列表</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="322"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/player_panel.py" line="327"/>
        <source>Loop {0}–{1} (Esc clears)</source>
        <translation>循环 {0}–{1}（Esc 取消）</translation>
    </message>
</context>
<context>
    <name>ScorecardView</name>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="25"/>
        <source>Greeting</source>
        <translation>开头语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="25"/>
        <source>Closing</source>
        <translation>结束语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="26"/>
        <source>Apology</source>
        <translation>致歉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="27"/>
        <source>Forbidden phrase</source>
        <translation>服务禁语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="28"/>
        <source>Insult</source>
        <translation>侮辱</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="28"/>
        <source>Filler word</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="36"/>
        <source>{0} missing</source>
        <translation>缺少{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="37"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="37"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="38"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="60"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="63"/>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="113"/>
        <source>Overall comment for the agent</source>
        <translation>给坐席的总体评语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="120"/>
        <source>Save evaluation</source>
        <translation>保存评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="137"/>
        <source>pass mark {0}%</source>
        <translation>合格线 {0}%</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="192"/>
        <source>FAIL — critical item</source>
        <translation>不合格——一票否决</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="194"/>
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="196"/>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
</context>
<context>
    <name>ShortcutsHelp</name>
    <message>
        <location filename="../../qaworkstation/ui/shortcuts_help.py" line="33"/>
        <source>Player keyboard shortcuts</source>
        <translation>播放器键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/shortcuts_help.py" line="34"/>
        <source>Press any key to close</source>
        <translation>按任意键关闭</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="31"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="31"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="120"/>
        <source>No transcript yet.</source>
        <translation>尚无转写文本。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="129"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
</context>
<context>
    <name>WaveformView</name>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="320"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="502"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="320"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="502"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="320"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="326"/>
        <source>Forbidden phrase</source>
        <translation>服务禁语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="327"/>
        <source>Insult</source>
        <translation>侮辱</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="328"/>
        <source>Filler word</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="329"/>
        <source>Greeting</source>
        <translation>开头语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="330"/>
        <source>Closing</source>
        <translation>结束语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="331"/>
        <source>Apology</source>
        <translation>致歉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="373"/>
        <source>No recording loaded</source>
        <translation>未打开录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="500"/>
        <source>Mono</source>
        <translation>单声道</translation>
    </message>
</context>
</TS>
