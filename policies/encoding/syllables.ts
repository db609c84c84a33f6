// About 532 of the most frequent Vietnamese syllables (everyday function words and the vocabulary of
// official documents: agencies, document types, administrative verbs, common names), lower case, NFC.
// The legacy-encoding detector counts how many words of a suspect text become one of these once
// decoded through TCVN3 or VNI: real syllables are far stronger evidence than a count of letters.

const LIST = [
  'của và các có là được trong cho không những với một người này đã để khi từ đến theo về năm nhà ra trên nước',
  'cũng sẽ tại việc như đó thì hiện nhiều phải sau công làm vào mới hơn chính nhưng thực đi động bị còn số quan',
  'lại cần hành tế đầu thể tình nhân dân họ quốc hội phát triển kinh xã chức tổ thành phố tỉnh huyện ủy ban quyết',
  'định văn bản điện tử thông báo cáo kế hoạch chỉ thị nghị luật giao tiếp nhận gửi kính đơn vị cơ sở nội vụ tài',
  'nguyên môi trường giáo dục đào tạo y lao thương binh hóa thao du lịch xây dựng vận tải khoa học nghệ nghiệp',
  'nông thôn phòng đồng chủ tịch phó giám đốc trưởng thư ký chánh ngành khai hướng dẫn đề kiến góp ý trình phê',
  'duyệt ngày tháng giấy mời họp tổng kết đánh giá hình quả nhiệm chương dự án tư ngân sách phí quản lý điều hệ',
  'thống mạng chuyển đổi cải cách thủ tục cửa liên dịch trực tuyến toàn bảo mật đảm tăng cường đẩy nâng cao chất',
  'lượng hiệu phối hợp đạo đôn kiểm tra sát thanh xử vi phạm khen thưởng kỷ cán bộ viên tuyển bổ lương phụ cấp',
  'chế độ đất đai ở sản xuất doanh tác đối ngoại an ninh trật tự chống bệnh thiên bão lũ cứu rằng nên vì nếu mà',
  'đây ấy ông bà anh chị em tôi chúng ta mình bạn gì nào sao thế vẫn đang rất lắm quá hết cả mọi mỗi từng nhau',
  'cùng giữa dưới ngoài trước bên trái thấp lớn nhỏ tốt đẹp mạnh yếu nhanh chậm cũ sớm muộn thêm đủ thiếu nữa đều',
  'riêng chung thường xuyên thời ngay lập tức hàng tuần quý giờ phút lần đợt khẩn thượng hỏa tốc hạn loại trích',
  'căn cứ khoản mục lục danh kèm liệu hồ sơ đăng giải trả lời xin phép tham mưu kê rà soát sửa sung thay bãi bỏ',
  'lực kể nơi lưu uỷ chí đại biểu triệu tập địa điểm gian dung phần đúng trân trọng đoàn phường trấn xóm làng khu',
  'vực miền bắc trung nam tây đông nguyễn trần lê hoàng huỳnh phan vũ võ đặng bùi đỗ ngô dương hữu đức minh quang',
  'hùng dũng tuấn hương lan hoa mai thu hà tĩnh việt nghĩa độc do hạnh phúc cộng hòa tối viện tòa quân sự biên',
  'cảnh cháy chữa đường cầu cống thủy lợi đê rừng biển đảo khoáng khí hậu sạch vệ sinh hiểm thất giảm nghèo gia',
  'đình trẻ nữ niên tuổi tộc tôn tin truyền bưu viễn phủ đô dữ mềm máy tính lưới chữ chứng sổ trữ mức toán lệ',
  'thuế hải kho bạc tín dụng vốn lâm ngư chăn nuôi trồng trọt lúa gạo cà su tiêu chè cây con giống phân bón thuốc',
  'vật thú súc cầm rồi chưa mấy bao nhiêu vậy tuy nhiên mặt khác cạnh nay sắp tới qua vừa nhằm đích kiện thuận',
  'khó khăn vướng mắc tồn pháp tâm bách thiết kịp nghiêm túc đầy xác khách bạch bình đẳng nhất',
  // Old-style tone placement, common in text typed with the legacy keyboards.
  'hoá uỷ thuỷ hoà toà khoẻ tuỳ luỹ huỷ',
].join(' ');

export const SYLLABLES: ReadonlySet<string> = new Set(LIST.split(' '));
